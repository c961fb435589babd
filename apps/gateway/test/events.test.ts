import t from 'tap'
import { BUS_SECRET, bearer, build, json, register } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

async function published(built: Built, count: number) {
  await built.app.events.publisher.flush()
  const deadline = Date.now() + 2_000
  while (built.bus.entries().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  return built.bus.entries().map((e) => ({ source: e.Source, type: e.DetailType, detail: JSON.parse(e.Detail) }))
}

t.test('register and login publish User Registered and User Signed In with the request id as correlation id', async (t) => {
  const built = await build(t)
  const { app } = built
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    headers: { 'x-request-id': 'req-register-1' },
    payload: { email: 'Nico@Example.com', password: 'long-password', name: 'Nico' },
  })
  const userId = res.json().user_id
  await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-request-id': 'req-login-1' },
    payload: { email: 'nico@example.com', password: 'long-password' },
  })
  const events = await published(built, 2)
  t.match(events, [
    {
      source: 'f1.gateway',
      type: 'User Registered',
      detail: { user_id: userId, email: 'nico@example.com', name: 'Nico', correlation_id: 'req-register-1', version: 1 },
    },
    { source: 'f1.gateway', type: 'User Signed In', detail: { user_id: userId, correlation_id: 'req-login-1', version: 1 } },
  ])
})

t.test("/api/users/actions lists only the signed-in user's actions, with filters passed through", async (t) => {
  const built = await build(t)
  const { app, actionLog } = built
  const a = await register(app)
  const b = await register(app)
  for (const [user, id] of [
    [a.userId, 'evt-a'],
    [b.userId, 'evt-b'],
  ] as const) {
    await actionLog.inject({
      method: 'POST',
      url: '/events',
      headers: { 'x-bus-secret': BUS_SECRET },
      payload: {
        version: '0',
        id,
        'detail-type': 'User Signed In',
        source: 'f1.gateway',
        account: '0',
        time: '2026-11-26T10:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { user_id: user, occurred_at: '2026-11-26T10:00:00.000Z', correlation_id: 'r', version: 1 },
      },
    })
  }
  const page = json<{ actions: Array<{ action_id: string }>; next_cursor: string | null }>(
    await app.inject({ url: '/api/users/actions?type=User%20Signed%20In&limit=5', headers: bearer(a.token) }),
  )
  t.same(
    page.actions.map((x) => x.action_id),
    ['evt-a'],
  )
  t.equal(page.next_cursor, null)
  const bad = await app.inject({ url: '/api/users/actions?user_id=someone', headers: bearer(a.token) })
  t.equal(bad.statusCode, 400, 'the user is never taken from the query')
})
