// Events end to end: the gateway publishes with the real EventBridge SDK client to the local bus,
// which matches the rules and delivers to action-log-service over HTTP.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { RULES } from '@f1/events/rules'
import { startLocalBus } from '@f1/local-stack/bus'
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

t.test('register and log in: both actions reach the action log through the SDK, the local bus and the consumer', async (t) => {
  let actionLogUrl = ''
  const bus = await startLocalBus({
    port: 0,
    secret: BUS_SECRET,
    rules: RULES.filter((r) => r.target === 'action-log-service'),
    targetUrl: () => `${actionLogUrl}/events`,
    deadLetterDir: mkdtempSync(join(tmpdir(), 'f1-dlq-')),
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
  })
  t.teardown(() => bus.close())
  const built = await build(t, { eventBridgeUrl: bus.url })
  actionLogUrl = built.actionLogUrl
  const user = await register(built.app)
  await built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } })
  await built.app.events.publisher.flush()
  t.same(await actionTypes(built, user.token, 2), ['User Registered', 'User Signed In'])
})

t.test('consumer down: events are retried, then dead-lettered; replayed once it is back, they are logged once', async (t) => {
  let actionLogUrl = 'http://127.0.0.1:9'
  const bus = await startLocalBus({
    port: 0,
    secret: BUS_SECRET,
    rules: RULES.filter((r) => r.target === 'action-log-service'),
    targetUrl: () => `${actionLogUrl}/events`,
    deadLetterDir: mkdtempSync(join(tmpdir(), 'f1-dlq-')),
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
  })
  t.teardown(() => bus.close())
  const built = await build(t, { eventBridgeUrl: bus.url })
  const user = await register(built.app)
  await built.app.events.publisher.flush()
  await bus.idle()
  const dead = await bus.deadLetters.list()
  t.equal(dead.length, 1, 'the User Registered event is a dead letter')
  t.match(dead[0], { attempts: 3 })

  actionLogUrl = built.actionLogUrl
  const report = await bus.deadLetters.replay({ all: true })
  t.equal(report.delivered.length, 1)
  t.same(await bus.deadLetters.list(), [], 'replayed dead letters are removed')
  t.same(await actionTypes(built, user.token, 1), ['User Registered'])
  const again = await bus.deadLetters.replay({ all: true })
  t.equal(again.attempted, 0, 'nothing left to replay')
})
