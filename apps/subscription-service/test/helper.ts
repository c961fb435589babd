// Builds subscription-service on DynamoDB Local tables of this test file's own, with an optional
// local server standing in for the Stripe API.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { outboxEvents } from '@f1/events/testing'
import { TEST_SERVICE_TOKEN, serviceTokenEnv } from '@f1/service-kit/testing'
import { useTestTables, type TestTables } from '@f1/tables/testing'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadSubscriptionConfig } from '../src/config.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef'
export const PRICES = { pro: 'price_test_pro', team: 'price_test_team' }
export const auth = { 'x-service-token': TEST_SERVICE_TOKEN }

export async function build(t: TapLike, options: BuildOptions & { stripeKey?: string; stripeUrl?: string } = {}) {
  const tables = await useTestTables(t, ['subscriptions', 'legacy', 'migration'])
  const config = loadSubscriptionConfig({
    env: {
      ...serviceTokenEnv('subscription-service'),
      DYNAMODB_ENDPOINT: tables.endpoint,
      USER_SUBSCRIPTIONS_TABLE: tables.names.subscriptions,
      LEGACY_METADATA_TABLE: tables.names.legacy,
      MIGRATION_STATE_TABLE: tables.names.migration,
      // Tests change the stage and read at once.
      MIGRATION_STAGE_CACHE_MS: '0',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PRICE_PRO: PRICES.pro,
      STRIPE_PRICE_TEAM: PRICES.team,
      STRIPE_SECRET_KEY: options.stripeKey,
      STRIPE_API_URL: options.stripeUrl,
    },
  })
  const app = await buildApp(config, { logger: false, ...options })
  t.teardown(() => app.close())
  /** The events in the service's outbox so far, oldest first (what the relay puts on the bus). */
  const events = () => outboxEvents(tables.doc, tables.names.subscriptions)
  return { app, tables, events }
}

/** Every item in a table (markers included), for "nothing extra was written" checks. */
export async function allItems(tables: TestTables, table: 'subscriptions' | 'legacy' = 'subscriptions') {
  const res = await tables.doc.send(new ScanCommand({ TableName: tables.names[table], ConsistentRead: true }))
  return res.Items ?? []
}

export interface StripeRequest {
  method: string
  path: string
  form: Record<string, string>
  headers: IncomingMessage['headers']
}

/** A local HTTP server answering the Stripe API calls the service makes, recording each. */
export async function fakeStripe(t: TapLike, respond: (req: StripeRequest) => { status?: number; body: object }) {
  const requests: StripeRequest[] = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stripe.local')
      const form = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? url.search : raw))
      const recorded = { method: req.method ?? 'GET', path: url.pathname, form, headers: req.headers }
      requests.push(recorded)
      const { status = 200, body } = respond(recorded)
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_test' })
      res.end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

export const userId = (label = 'u') => `${label}-${Math.random().toString(36).slice(2, 10)}`

/** Puts a legacy profile for `user` (a `user` item with an email), with `fields` on top. */
export async function legacyProfile(tables: TestTables, user: string, fields: Record<string, unknown>) {
  await tables.doc.send(
    new PutCommand({
      TableName: tables.names.legacy,
      Item: {
        strategy_id: `USER#${user}`,
        type: 'user',
        user_id: user,
        email: `${user}@example.com`,
        created_at: '2023-01-02 03:04:05',
        ...fields,
      },
    }),
  )
}
