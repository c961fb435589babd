// Shared pieces of the bus tests: a recording HTTP target, the real EventBridge SDK client, a bus on a free port.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import type t from 'tap'
import type { EventRule } from '@f1/events/rules'
import { startLocalBus, type LocalBus, type LocalBusOptions } from '../src/bus/server.ts'

// The SDK's notice that Node 20 support ends in 2027 would otherwise open every test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

export const SECRET = 'test-bus-secret'
export const BUS = 'f1-events-test'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

export type Answer = number | { status: number; headers?: Record<string, string> }

export interface Target {
  url: string
  port: number
  received: Received[]
  /** Resolves when `count` requests have arrived in total. */
  waitFor(count: number): Promise<void>
  close(): Promise<void>
}

/** A consumer stand-in that records every request and answers `answer(request, index)` (default 200). */
export async function startTarget(
  options: { port?: number; answer?: (request: Received, index: number) => Answer | Promise<Answer> } = {},
): Promise<Target> {
  const received: Received[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', async () => {
      const request: Received = { path: req.url ?? '', headers: req.headers, body: JSON.parse(text) as Record<string, unknown> }
      const index = received.push(request) - 1
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve()
      const answer = (await options.answer?.(request, index)) ?? 200
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ status }))
    })
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', () => resolve()))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    waitFor: (count) => (received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The real SDK client, pointed at the local bus with dummy credentials and no SDK retries. */
export function sdkClient(endpoint: string, region = 'us-east-1'): EventBridgeClient {
  return new EventBridgeClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
}

/** One PutEvents entry for the test bus; a User Signed In from the gateway unless overridden. */
export function entry(overrides: Partial<PutEventsRequestEntry> = {}, detail: Record<string, unknown> = {}): PutEventsRequestEntry {
  return {
    Source: 'f1.gateway',
    DetailType: 'User Signed In',
    Detail: JSON.stringify({
      event_id: '01JD00000000000000000000AA',
      user_id: 'u-1',
      occurred_at: '2025-01-01T00:00:00.000Z',
      correlation_id: 'req-1',
      version: 1,
      ...detail,
    }),
    EventBusName: BUS,
    ...overrides,
  }
}

export function rule(name: string, eventPattern: EventRule['eventPattern'], target: EventRule['target'] = 'action-log-service'): EventRule {
  return { name, description: name, eventPattern, target }
}

/** Every f1.gateway event to the action log, as a one-rule bus. */
export const GATEWAY_RULES: EventRule[] = [rule('gateway-to-action-log', { source: ['f1.gateway'] })]

/** Small, fast retries for tests. */
export const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 5_000, requestTimeoutMs: 1_000 }

/** The `t` a subtest callback receives. */
export type TapTest = Parameters<Parameters<typeof t.test>[0]>[0]

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection, the promise resolved')
}

/** A bus on a free port, rules and targets given, dead letters in a fresh test directory; closed at teardown. */
export async function startTestBus(t: TapTest, options: Partial<LocalBusOptions> & { targetBase: string }): Promise<LocalBus> {
  const { targetBase, ...rest } = options
  const bus = await startLocalBus({
    port: 0,
    busName: BUS,
    secret: SECRET,
    rules: GATEWAY_RULES,
    // t.testdir() empties the directory on each call: only ask for it when none is given.
    deadLetterDir: rest.deadLetterDir ?? t.testdir(),
    retry: FAST_RETRY,
    targetUrl: (app) => `${targetBase}/${app}/events`,
    region: 'us-east-1',
    env: {},
    ...rest,
  })
  t.teardown(() => bus.close({ graceMs: 100 }))
  return bus
}
