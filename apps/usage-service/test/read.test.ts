import t from 'tap'
import { auth, build, userId } from './helper.ts'

const post = (url: string, payload: object, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url,
  headers: { ...auth, ...headers },
  payload,
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
