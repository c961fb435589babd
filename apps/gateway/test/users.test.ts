import t from 'tap'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { errorOf, TEST_SERVICE_TOKEN } from '@f1/service-kit/testing'
import { PLANS } from '@f1/plans'
import { bearer, build, json, register } from './helper.ts'

interface Counter {
  feature: string
  usage_count: number
  limit_value: number
  remaining: number
}

const apiRequests = (features: Counter[]) => features.find((f) => f.feature === 'api_request')

t.test("/api/users/me shows the profile, the free plan and today's usage including this request", async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const res = await app.inject({ url: '/api/users/me', headers: bearer(user.token) })
  t.equal(res.statusCode, 200)
  const body = json<{ profile: object; plan_id: string; subscription: object; usage: { features: Counter[] } }>(res)
  t.match(body.subscription, { plan_id: 'free', effective_plan_id: 'free', source: 'default' })
  t.match(body.profile, { user_id: user.userId, email: user.email, name: 'Test Driver', role: 'user' })
  t.notOk('password_hash' in body.profile, 'no hash leaves the gateway')
  t.equal(body.plan_id, 'free')
  t.equal(body.usage.features.length, 4, 'every feature of the plan')
  t.match(apiRequests(body.usage.features), { usage_count: 1, limit_value: PLANS.free.limits.api_request })
  t.match(
    body.usage.features.find((f) => f.feature === 'monte_carlo_run'),
    { usage_count: 0, limit_value: 0, remaining: 0 },
  )
})

t.test('every authenticated request counts one api_request', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  for (let i = 0; i < 3; i++) await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })
  const res = await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })
  t.match(apiRequests(json<{ features: Counter[] }>(res).features), { usage_count: 4 })
})

t.test("at the plan's api_request limit the next request is a 429 with Retry-After, the limit and the usage", async (t) => {
  const { app, usageUrl } = await build(t)
  const user = await register(app)
  const limit = PLANS.free.limits.api_request
  // Spend all but one of today's requests straight through usage-service, as other calls would.
  await fetch(`${usageUrl}/users/${user.userId}/usage/consume`, {
    method: 'POST',
    headers: { 'x-service-token': TEST_SERVICE_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ feature: 'api_request', amount: limit - 1, limit }),
  })
  t.equal((await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })).statusCode, 200, 'the last one is granted')
  const res = await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })
  t.equal(res.statusCode, 429)
  t.ok(Number(res.headers['retry-after']) >= 1 && Number(res.headers['retry-after']) <= 86_400)
  const error = errorOf(res)
  t.equal(error.code, 'QUOTA_EXCEEDED')
  t.match(error.details, { feature: 'api_request', usage_count: limit, limit_value: limit, remaining: 0 })
})

t.test("a legacy profile on an old plan name gets that plan's limits; a cancelled one is free", async (t) => {
  const { app, tables } = await build(t)
  const premium = await register(app)
  const cancelled = await register(app)
  const update = (userId: string, email: string, extra: object) =>
    tables.doc.send(
      new PutCommand({
        TableName: tables.names.legacy,
        Item: { strategy_id: `USER#${userId}`, type: 'user', user_id: userId, email, name: 'Legacy', ...extra },
      }),
    )
  await update(premium.userId, premium.email, { plan: 'PREMIUM', subscription_status: 'active' })
  await update(cancelled.userId, cancelled.email, { plan: 'premium', subscription_status: 'cancelled' })
  const pro = json<{ plan_id: string; usage: { features: Counter[] } }>(
    await app.inject({ url: '/api/users/me', headers: bearer(premium.token) }),
  )
  t.equal(pro.plan_id, 'pro')
  t.match(apiRequests(pro.usage.features), { limit_value: PLANS.pro.limits.api_request })
  const free = json<{ plan_id: string }>(await app.inject({ url: '/api/users/me', headers: bearer(cancelled.token) }))
  t.equal(free.plan_id, 'free')
})

t.test("a token for user A only ever reads and spends A's data", async (t) => {
  const { app } = await build(t)
  const a = await register(app)
  const b = await register(app)
  for (let i = 0; i < 3; i++) await app.inject({ url: '/api/users/usage', headers: bearer(a.token) })
  const meA = json<{ profile: { user_id: string } }>(await app.inject({ url: '/api/users/me', headers: bearer(a.token) }))
  t.equal(meA.profile.user_id, a.userId)
  const usageB = json<{ features: Counter[] }>(await app.inject({ url: '/api/users/usage', headers: bearer(b.token) }))
  t.match(apiRequests(usageB.features), { usage_count: 1 }, 'B sees only its own single request')
  const spoof = await app.inject({ url: `/api/users/usage?user_id=${a.userId}`, headers: bearer(b.token) })
  t.equal(spoof.statusCode, 400, 'the user is never taken from the client')
})

t.test('a token whose account is gone is a 401', async (t) => {
  const { app } = await build(t)
  const token = await app.issueToken({ sub: 'ghost-user', email: 'ghost@example.com', role: 'user' })
  const res = await app.inject({ url: '/api/users/me', headers: bearer(token) })
  t.equal(res.statusCode, 401)
})

t.test('usage-service down: the gateway answers 503 with Retry-After, not a hang or a 500', async (t) => {
  const { app } = await build(t, { usageServiceUrl: 'http://127.0.0.1:9' })
  const user = await register(app)
  const started = Date.now()
  const res = await app.inject({ url: '/api/users/me', headers: bearer(user.token) })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.equal(errorOf(res).code, 'DEPENDENCY_UNAVAILABLE')
  t.ok(Date.now() - started < 3_000)
})

t.test('a bad date on /api/users/usage is a 400', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  t.equal((await app.inject({ url: '/api/users/usage?date=26-11-2026', headers: bearer(user.token) })).statusCode, 400)
})

t.test("today's usage and the profile page cost one call to usage-service; another day's usage costs two", async (t) => {
  const { app, usage } = await build(t)
  const user = await register(app)
  const calls: string[] = []
  usage.server.on('request', (request: { method: string; url: string }) => {
    calls.push(`${request.method} ${request.url.replace(user.userId, ':user')}`)
  })
  const count = async (url: string) => {
    calls.length = 0
    t.equal((await app.inject({ url, headers: bearer(user.token) })).statusCode, 200, url)
    return [...calls]
  }
  t.same(await count('/api/users/usage'), ['POST /users/:user/usage/consume'])
  t.same(await count('/api/users/me'), ['POST /users/:user/usage/consume'])
  t.same(await count('/api/users/usage?date=2020-01-01'), ['POST /users/:user/usage/consume', 'GET /users/:user/usage?date=2020-01-01'])
})
