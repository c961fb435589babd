import t from 'tap'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { errorOf } from '@f1/service-kit/testing'
import { auth, build, userId } from './helper.ts'

const consume = (user: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: `/users/${user}/usage/consume`,
  headers: { ...auth, ...headers },
  payload: body,
})

t.test('the first consume of the day creates the counter under {feature}_{YYYY-MM-DD} with TTL', async (t) => {
  const now = new Date('2026-11-26T10:15:00.000Z')
  const { app, tables } = await build(t, { now: () => now })
  const user = userId()
  const res = await app.inject(consume(user, { feature: 'simulation_run', limit: 5 }))
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    feature: 'simulation_run',
    date: '2026-11-26',
    usage_count: 1,
    limit_value: 5,
    remaining: 4,
    reset_date: '2026-11-27T00:00:00.000Z',
  })
  const row = await tables!.doc.send(
    new GetCommand({ TableName: tables!.names.usage, Key: { user_id: user, feature_date_key: 'simulation_run_2026-11-26' } }),
  )
  t.match(row.Item, { feature_name: 'simulation_run', usage_count: 1, limit_value: 5, reset_date: '2026-11-27T00:00:00.000Z' })
  const expiresAt = row.Item?.expires_at as number
  t.equal(expiresAt, Date.parse('2026-11-27T00:00:00.000Z') / 1000 + 35 * 86_400, 'expires 35 days after the reset')
})

t.test('amount counts more than one unit at once', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const res = await app.inject(consume(user, { feature: 'monte_carlo_run', amount: 300, limit: 1000 }))
  t.match(res.json(), { usage_count: 300, remaining: 700 })
})

t.test('consume at the limit answers 429 with Retry-After and writes nothing', async (t) => {
  const now = new Date('2026-11-26T23:59:00.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  for (let i = 0; i < 2; i++) t.equal((await app.inject(consume(user, { feature: 'api_request', limit: 2 }))).statusCode, 200)
  const res = await app.inject(consume(user, { feature: 'api_request', limit: 2 }))
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '60', 'seconds to the next UTC midnight')
  const error = errorOf(res)
  t.equal(error.code, 'QUOTA_EXCEEDED')
  t.match(error.details, { usage_count: 2, limit_value: 2, remaining: 0, reset_date: '2026-11-27T00:00:00.000Z' })
  const day = await app.inject({ url: `/users/${user}/usage`, headers: auth })
  t.equal(day.json().features[0].usage_count, 2, 'the refused consume left the count alone')
})

t.test('an amount above the limit is refused without touching the counter', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const res = await app.inject(consume(user, { feature: 'monte_carlo_run', amount: 11, limit: 10 }))
  t.equal(res.statusCode, 429)
  t.match(errorOf(res).details, { usage_count: 0, limit_value: 10, requested: 11 })
  t.same((await app.inject({ url: `/users/${user}/usage`, headers: auth })).json().features, [])
})

t.test('a limit of zero grants nothing', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject(consume(userId(), { feature: 'strategy_compare', limit: 0 }))).statusCode, 429)
})

t.test('a lowered limit applies at once: usage above the new limit is refused', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await app.inject(consume(user, { feature: 'simulation_run', amount: 5, limit: 100 }))
  const res = await app.inject(consume(user, { feature: 'simulation_run', limit: 5 }))
  t.equal(res.statusCode, 429)
  t.match(errorOf(res).details, { usage_count: 5, limit_value: 5, remaining: 0 })
})

t.test('days are UTC: a consume just before and just after midnight count on different days', async (t) => {
  let now = new Date('2026-11-26T23:59:59.999Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  t.match((await app.inject(consume(user, { feature: 'api_request', limit: 1 }))).json(), { date: '2026-11-26', usage_count: 1 })
  now = new Date('2026-11-27T00:00:00.000Z')
  t.match((await app.inject(consume(user, { feature: 'api_request', limit: 1 }))).json(), {
    date: '2026-11-27',
    usage_count: 1,
    reset_date: '2026-11-28T00:00:00.000Z',
  })
})

t.test('the first refusal of a day writes Usage Limit Reached to the outbox once, however often the client retries', async (t) => {
  const now = new Date('2026-11-26T18:00:00.000Z')
  const { app, events: outbox } = await build(t, { now: () => now })
  const user = userId()
  await app.inject(consume(user, { feature: 'simulation_run', limit: 1 }))
  for (let i = 0; i < 5; i++) {
    t.equal((await app.inject(consume(user, { feature: 'simulation_run', limit: 1 }, { 'x-request-id': `req-${i}` }))).statusCode, 429)
  }
  const events = await outbox()
  t.equal(events.length, 1)
  t.match(events[0], {
    type: 'Usage Limit Reached',
    source: 'f1.usage',
    detail: { user_id: user, feature: 'simulation_run', date: '2026-11-26', usage_count: 1, limit_value: 1, correlation_id: 'req-0' },
  })
})

t.test('consume with include_day also answers every counter of the day, the one just counted included', async (t) => {
  const now = new Date('2026-11-26T10:15:00.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  await app.inject(consume(user, { feature: 'monte_carlo_run', amount: 300, limit: 1000 }))
  t.notOk((await app.inject(consume(user, { feature: 'api_request', limit: 10 }))).json().day, 'no day unless asked')
  const res = await app.inject(consume(user, { feature: 'api_request', limit: 10, include_day: true }))
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { feature: 'api_request', usage_count: 2, remaining: 8 })
  t.same(body.day, (await app.inject({ url: `/users/${user}/usage`, headers: auth })).json(), 'the same day a read answers')
  t.same(
    body.day.features.map((f: { feature: string; usage_count: number }) => [f.feature, f.usage_count]),
    [
      ['monte_carlo_run', 300],
      ['api_request', 2],
    ],
  )
})

t.test('consume with include_day at the limit is the same 429, with no day', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await app.inject(consume(user, { feature: 'api_request', limit: 1 }))
  const res = await app.inject(consume(user, { feature: 'api_request', limit: 1, include_day: true }))
  t.equal(res.statusCode, 429)
  t.equal(errorOf(res).code, 'QUOTA_EXCEEDED')
})
