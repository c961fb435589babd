// Events end to end: the gateway writes them to its outbox, the relay reads the table's stream and
// puts them on the local bus with the real SDK client, the bus puts them on action-log-service's
// queue, and action-log-service polls its queue (as it does in AWS) and stores them.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp as buildActionLogService } from '@f1/action-log-service/app'
import { loadActionLogConfig } from '@f1/action-log-service/config'
import { RULES } from '@f1/events/rules'
import { startLocalBus, type LocalBus } from '@f1/local-stack/bus'
import { startRelay } from '@f1/local-stack/relay'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { bearer, build, json, register } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>
type TapLike = { teardown(fn: () => unknown): void }

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

/** A local bus whose action-log rules put events on action-log-service's queue. */
async function busToActionLog(t: TapLike) {
  const bus = await startLocalBus({
    port: 0,
    queuePort: 0,
    rules: RULES.filter((r) => r.target === 'action-log-service'),
    deadLetterDir: mkdtempSync(join(tmpdir(), 'f1-dlq-')),
  })
  t.teardown(() => bus.close())
  return bus
}

/** action-log-service reading its queue on `bus`, writing to the test's actions table; closed at teardown. */
async function actionLogReadingQueue(t: TapLike, built: Built, bus: LocalBus) {
  const app = await buildActionLogService(
    loadActionLogConfig({
      env: {
        ...serviceTokenEnv(),
        DYNAMODB_ENDPOINT: built.tables.endpoint,
        USER_ACTIONS_LOG_TABLE: built.tables.names.actions,
        ...bus.queueEnv('action-log-service'),
      },
    }),
    { logger: false },
  )
  await app.ready() // it starts polling
  t.teardown(() => app.close())
  return app
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

t.test('register and log in: both actions reach the action log through the outbox, the relay, the local bus and its queue', async (t) => {
  const bus = await busToActionLog(t)
  const built = await build(t)
  await actionLogReadingQueue(t, built, bus)
  const relay = await relayOf(t, built, bus.url)
  const user = await register(built.app)
  await built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } })
  await relay.drained()
  t.same(await actionTypes(built, user.token, 2), ['User Registered', 'User Signed In'])
})

t.test('consumer down: its events wait in its queue, nothing is dead-lettered, and it logs each once when it is back', async (t) => {
  const bus = await busToActionLog(t)
  const built = await build(t)
  const relay = await relayOf(t, built, bus.url)
  const user = await register(built.app)
  await relay.drained()
  await bus.idle()
  t.match(bus.stats(), { delivered: 1, deadLettered: 0 }, 'on the queue')
  t.same(await bus.deadLetters.list(), [], 'nothing dead-lettered')
  t.same(await actionTypes(built, user.token, 0), [], 'not logged while the consumer is down')

  const actionLog = await actionLogReadingQueue(t, built, bus)
  t.same(await actionTypes(built, user.token, 1), ['User Registered'])
  // Deleted once handled: not received again.
  await new Promise((r) => setTimeout(r, 300))
  t.match(actionLog.eventQueue?.stats(), { received: 1, processed: 1, retried: 0, deadLettered: 0 })
  t.same(await actionTypes(built, user.token, 2), ['User Registered'], 'logged once')
})
