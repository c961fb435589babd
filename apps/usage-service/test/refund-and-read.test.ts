import t from 'tap'
import { auth, build, userId } from './helper.ts'

const post = (url: string, payload: object, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url,
  headers: { ...auth, ...headers },
  payload,
})

t.test('a refund gives back what was consumed', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await app.inject(post(`/users/${user}/usage/consume`, { feature: 'simulation_run', amount: 3, limit: 5 }))
  const res = await app.inject(post(`/users/${user}/usage/refund`, { feature: 'simulation_run', amount: 1 }))
  t.equal(res.statusCode, 200)
  t.match(res.json(), { usage_count: 2, limit_value: 5, remaining: 3 })
})

t.test('a refund larger than the count stops at zero', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await app.inject(post(`/users/${user}/usage/consume`, { feature: 'simulation_run', amount: 2, limit: 5 }))
  const res = await app.inject(post(`/users/${user}/usage/refund`, { feature: 'simulation_run', amount: 7 }))
  t.match(res.json(), { usage_count: 0, remaining: 5 })
})

t.test('a refund on a day with no usage writes nothing and answers zero', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const res = await app.inject(post(`/users/${user}/usage/refund`, { feature: 'api_request', amount: 1, date: '2026-01-05' }))
  t.equal(res.statusCode, 200)
  t.match(res.json(), { usage_count: 0, date: '2026-01-05' })
  t.same((await app.inject({ url: `/users/${user}/usage?date=2026-01-05`, headers: auth })).json().features, [])
})

t.test('a refund names the day it gives back to, so a refund after midnight hits the right counter', async (t) => {
  let now = new Date('2026-11-26T23:59:59.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  const consumed = await app.inject(post(`/users/${user}/usage/consume`, { feature: 'simulation_run', limit: 5 }))
  now = new Date('2026-11-27T00:00:01.000Z')
  const res = await app.inject(post(`/users/${user}/usage/refund`, { feature: 'simulation_run', amount: 1, date: consumed.json().date }))
  t.match(res.json(), { date: '2026-11-26', usage_count: 0 })
})

t.test('a refund retried with its idempotency-key gives back once', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await app.inject(post(`/users/${user}/usage/consume`, { feature: 'simulation_run', amount: 4, limit: 5 }))
  for (let i = 0; i < 3; i++) {
    await app.inject(post(`/users/${user}/usage/refund`, { feature: 'simulation_run', amount: 1 }, { 'idempotency-key': 'refund-1' }))
  }
  const day = await app.inject({ url: `/users/${user}/usage`, headers: auth })
  t.equal(day.json().features[0].usage_count, 3)
})

t.test('concurrent consumes and refunds never leave the counter below zero or above the limit', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await app.inject(post(`/users/${user}/usage/consume`, { feature: 'api_request', amount: 5, limit: 10 }))
  await Promise.all([
    ...Array.from({ length: 20 }, () => app.inject(post(`/users/${user}/usage/refund`, { feature: 'api_request', amount: 1 }))),
    ...Array.from({ length: 20 }, () => app.inject(post(`/users/${user}/usage/consume`, { feature: 'api_request', limit: 10 }))),
  ])
  const count = (await app.inject({ url: `/users/${user}/usage`, headers: auth })).json().features[0].usage_count
  t.ok(count >= 0 && count <= 10, `count ${count} within [0, 10]`)
})

t.test('reading a day lists every feature used with its count, limit and reset', async (t) => {
  const now = new Date('2026-03-01T08:00:00.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  await app.inject(post(`/users/${user}/usage/consume`, { feature: 'simulation_run', limit: 5 }))
  await app.inject(post(`/users/${user}/usage/consume`, { feature: 'api_request', amount: 7, limit: 500 }))
  const res = await app.inject({ url: `/users/${user}/usage`, headers: auth })
  t.same(res.json(), {
    date: '2026-03-01',
    reset_date: '2026-03-02T00:00:00.000Z',
    features: [
      {
        feature: 'simulation_run',
        date: '2026-03-01',
        usage_count: 1,
        limit_value: 5,
        remaining: 4,
        reset_date: '2026-03-02T00:00:00.000Z',
      },
      {
        feature: 'api_request',
        date: '2026-03-01',
        usage_count: 7,
        limit_value: 500,
        remaining: 493,
        reset_date: '2026-03-02T00:00:00.000Z',
      },
    ],
  })
  const other = await app.inject({ url: `/users/${user}/usage?date=2026-02-28`, headers: auth })
  t.same(other.json().features, [], 'another day is empty')
})
