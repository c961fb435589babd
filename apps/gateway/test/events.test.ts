import t from 'tap'
import { outboxEvents } from '@f1/events/testing'
import { BUS_SECRET, bearer, build, json, register } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

async function published(built: Built) {
  return (await outboxEvents(built.tables.doc, built.tables.names.gateway)).map(({ source, type, detail }) => ({ source, type, detail }))
}

t.test('register and login write User Registered and User Signed In to the outbox, with the request id as correlation id', async (t) => {
  const built = await build(t)
  const { app } = built
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    headers: { 'x-request-id': 'req-register-1' },
    payload: { email: 'Nico@Example.com', password: 'long-password', name: 'Nico' },
  })
  t.equal(res.statusCode, 201, res.body)
  const userId = res.json().user_id
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-request-id': 'req-login-1' },
    payload: { email: 'nico@example.com', password: 'long-password' },
  })
  t.equal(login.statusCode, 200, login.body)
  const events = await published(built)
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
    [a.userId, '01JD00000000000000000000AA'],
    [b.userId, '01JD00000000000000000000BB'],
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
        detail: { event_id: id, user_id: user, occurred_at: '2026-11-26T10:00:00.000Z', correlation_id: 'r', version: 1 },
      },
    })
  }
  const page = json<{ actions: Array<{ action_id: string }>; next_cursor: string | null }>(
    await app.inject({ url: '/api/users/actions?type=User%20Signed%20In&limit=5', headers: bearer(a.token) }),
  )
  t.same(
    page.actions.map((x) => x.action_id),
    ['01JD00000000000000000000AA'],
  )
  t.equal(page.next_cursor, null)
  const bad = await app.inject({ url: '/api/users/actions?user_id=someone', headers: bearer(a.token) })
  t.equal(bad.statusCode, 400, 'the user is never taken from the query')
})
