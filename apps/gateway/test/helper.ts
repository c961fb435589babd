// Builds the gateway and a real usage-service (HTTP between them) on DynamoDB Local tables
// of this test file's own.
import { buildApp as buildUsageService } from '@f1/usage-service/app'
import { loadUsageConfig } from '@f1/usage-service/config'
import { TEST_SERVICE_TOKEN } from '@f1/service-kit/testing'
import { useTestTables } from '@f1/tables/testing'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadGatewayConfig } from '../src/config.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789'

export async function build(t: TapLike, options: { usageServiceUrl?: string } = {}) {
  const tables = await useTestTables(t, ['legacy', 'usage'])
  const env = { SERVICE_TOKEN: TEST_SERVICE_TOKEN, DYNAMODB_ENDPOINT: tables.endpoint }
  const usage = await buildUsageService(loadUsageConfig({ env: { ...env, USER_USAGE_TABLE: tables.names.usage } }), { logger: false })
  const usageUrl = await usage.listen({ port: 0, host: '127.0.0.1' })
  const config = loadGatewayConfig({
    env: {
      ...env,
      LEGACY_METADATA_TABLE: tables.names.legacy,
      USAGE_SERVICE_URL: options.usageServiceUrl ?? usageUrl,
      JWT_SECRET,
      SERVICE_TIMEOUT_MS: '2000',
    },
  })
  const app = await buildApp(config, { logger: false })
  t.teardown(async () => {
    await app.close()
    await usage.close()
  })
  return { app, usage, usageUrl, tables, config }
}

type App = Awaited<ReturnType<typeof build>>['app']

let counter = 0
/** An email unique to this test run. */
export function uniqueEmail(label = 'driver'): string {
  counter += 1
  return `${label}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`
}

/** Registers a user through the API and returns its id, token and credentials. */
export async function register(app: App, email = uniqueEmail()) {
  const password = 'correct horse battery'
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password, name: 'Test Driver' } })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  const body = res.json() as { user_id: string; token: string }
  return { userId: body.user_id, token: body.token, email, password }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json() as T
}
