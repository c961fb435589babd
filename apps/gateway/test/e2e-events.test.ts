// Events end to end: the gateway writes them to its outbox, the relay reads the table's stream and
// puts them on the local bus with the real SDK client, and the bus delivers to action-log-service.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { RULES } from '@f1/events/rules'
import { startLocalBus, type RetryPolicy } from '@f1/local-stack/bus'
import { startRelay } from '@f1/local-stack/relay'
import { BUS_SECRET, bearer, build, json, register } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

async function actionTypes(built: Built, token: string, expected: number): Promise<string[]> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const page = json<{ actions: Array<{ action_type: string }> }>(
      await built.app.inject({ url: '/api/users/actions', headers: bearer(token) }),
    )
    if (page.actions.length >= expected || Date.now() > deadline) return page.actions.map((a) => a.action_type).sort()
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A local bus delivering to the action log at whatever URL `target.url` holds when it delivers. */
async function busToActionLog(t: { teardown(fn: () => unknown): void }, target: { url: string }, retry: Partial<RetryPolicy>) {
  const bus = await startLocalBus({
    port: 0,
    secret: BUS_SECRET,
    rules: RULES.filter((r) => r.target === 'action-log-service'),
    targetUrl: () => `${target.url}/events`,
    deadLetterDir: mkdtempSync(join(tmpdir(), 'f1-dlq-')),
    retry,
  })
  t.teardown(() => bus.close())
  return bus
}

/** The outbox relay of the gateway's table, onto `busUrl`. */
async function relayOf(t: { teardown(fn: () => unknown): void }, built: Built, busUrl: string) {
  const relay = await startRelay({
    dynamodbEndpoint: built.tables.endpoint,
    region: 'us-east-1',
    tables: { gateway: built.tables.names.gateway },
    eventBridgeEndpoint: busUrl,
    busName: 'f1-events-dev',
    checkpointFile: join(mkdtempSync(join(tmpdir(), 'f1-relay-')), 'checkpoints.json'),
    pollIntervalMs: 50,
  })
  t.teardown(() => relay.stop())
  return relay
}

t.test(
  'register and log in: both actions reach the action log through the outbox, the relay, the local bus and the consumer',
  async (t) => {
    const target = { url: '' }
    const bus = await busToActionLog(t, target, { baseDelayMs: 20, maxDelayMs: 100 })
    const built = await build(t)
    target.url = built.actionLogUrl
    const relay = await relayOf(t, built, bus.url)
    const user = await register(built.app)
    await built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } })
    await relay.drained()
    t.same(await actionTypes(built, user.token, 2), ['User Registered', 'User Signed In'])
  },
)

t.test('consumer down: events are retried, then dead-lettered; replayed once it is back, they are logged once', async (t) => {
  const target = { url: 'http://127.0.0.1:9' }
  const bus = await busToActionLog(t, target, { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 })
  const built = await build(t)
  const relay = await relayOf(t, built, bus.url)
  const user = await register(built.app)
  await relay.drained()
  await bus.idle()
  const dead = await bus.deadLetters.list()
  t.equal(dead.length, 1, 'the User Registered event is a dead letter')
  t.match(dead[0], { attempts: 3 })

  target.url = built.actionLogUrl
  const report = await bus.deadLetters.replay({ all: true })
  t.equal(report.delivered.length, 1)
  t.same(await bus.deadLetters.list(), [], 'replayed dead letters are removed')
  t.same(await actionTypes(built, user.token, 1), ['User Registered'])
  const again = await bus.deadLetters.replay({ all: true })
  t.equal(again.attempted, 0, 'nothing left to replay')
})
