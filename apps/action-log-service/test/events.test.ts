import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { BUS_SECRET, auth, build, event, userId } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']
const deliver = (app: App, body: object) =>
  app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': BUS_SECRET }, payload: body })
const list = async (app: App, user: string, query = '') =>
  (await app.inject({ url: `/users/${user}/actions${query}`, headers: auth })).json()

t.test('an event becomes one action with its type, its own fields, its plan and its source', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const e = event(
    user,
    'Subscription Activated',
    'f1.subscriptions',
    { subscription_id: 'sub_1', plan_id: 'pro', status: 'active', current_period_end: null, sequence: 1 },
    '2026-11-26T10:00:00.123Z',
  )
  t.same((await deliver(app, e)).json(), { status: 'processed' })
  t.same((await list(app, user)).actions, [
    {
      action_id: e.detail.event_id,
      occurred_at: '2026-11-26T10:00:00.123Z',
      action_type: 'Subscription Activated',
      action_details: { subscription_id: 'sub_1', plan_id: 'pro', status: 'active', current_period_end: null, sequence: 1 },
      plan_id: 'pro',
      source: 'f1.subscriptions',
    },
  ])
})

t.test('an event the relay or the bus sends again under a new envelope id is logged once: its own id decides', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const e = event(user, 'User Signed In', 'f1.gateway', {}, '2026-11-26T10:00:00.000Z')
  for (const id of ['bus-1', 'bus-2', 'bus-3']) t.same((await deliver(app, { ...e, id })).json(), { status: 'processed' })
  const actions = (await list(app, user)).actions as Array<{ action_id: string }>
  t.same(
    actions.map((a) => a.action_id),
    [e.detail.event_id],
  )
})

t.test('every event delivered three times and out of order is logged exactly once', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const events = [
    event(user, 'User Registered', 'f1.gateway', { email: 'a@example.com', name: 'A' }, '2026-11-26T10:00:00.000Z'),
    event(user, 'User Signed In', 'f1.gateway', {}, '2026-11-26T10:00:01.000Z'),
    event(
      user,
      'Usage Limit Reached',
      'f1.usage',
      { feature: 'api_request', date: '2026-11-26', usage_count: 500, limit_value: 500 },
      '2026-11-26T10:00:02.000Z',
    ),
  ]
  const deliveries = [...events, ...events, ...events].reverse()
  const results = await Promise.all(deliveries.map((e) => deliver(app, e)))
  t.ok(results.every((r) => r.statusCode === 200))
  const actions = (await list(app, user)).actions as Array<{ action_type: string }>
  t.same(
    actions.map((a) => a.action_type),
    ['Usage Limit Reached', 'User Signed In', 'User Registered'],
  )
})

t.test('the bus secret is required and an invalid detail is a 400 that writes nothing', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const good = event(user, 'User Signed In', 'f1.gateway', {}, '2026-11-26T10:00:00.000Z')
  t.equal(
    (await app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': 'nope-nope-nope-nope' }, payload: good })).statusCode,
    401,
  )
  const bad = event(user, 'Usage Limit Reached', 'f1.usage', { feature: 'api_request' }, '2026-11-26T10:00:00.000Z')
  const res = await deliver(app, bad)
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'INVALID_EVENT')
  t.same((await list(app, user)).actions, [])
})
