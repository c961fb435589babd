import t from 'tap'
import { errorOf, TEST_SERVICE_TOKEN } from '@f1/service-kit/testing'
import { PLANS } from '@f1/plans'
import { signWebhook, subscriptionEvent } from '@f1/subscription-service/testing'
import { PRICES, WEBHOOK_SECRET, bearer, build, json, register } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

function postWebhook(app: App, event: object, secret = WEBHOOK_SECRET) {
  const { payload, signature } = signWebhook(event, secret)
  return app.inject({
    method: 'POST',
    url: '/api/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload,
  })
}

async function spendAllButOne(usageUrl: string, userId: string, limit: number) {
  const res = await fetch(`${usageUrl}/users/${userId}/usage/consume`, {
    method: 'POST',
    headers: { 'x-service-token': TEST_SERVICE_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ feature: 'api_request', amount: limit - 1, limit }),
  })
  await res.arrayBuffer()
}

t.test(
  'the upgrade path: a free user at the limit gets 429, a signed upgrade to pro arrives, the next request passes with the pro limit',
  async (t) => {
    const { app, usageUrl } = await build(t)
    const user = await register(app)
    await spendAllButOne(usageUrl, user.userId, PLANS.free.limits.api_request)
    t.equal((await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })).statusCode, 200)
    const limited = await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })
    t.equal(limited.statusCode, 429)
    t.equal(errorOf(limited).code, 'QUOTA_EXCEEDED')

    const upgrade = await postWebhook(
      app,
      subscriptionEvent({ type: 'customer.subscription.updated', userId: user.userId, priceId: PRICES.pro }),
    )
    t.same(upgrade.json(), { received: true, outcome: 'applied' })

    const next = await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })
    t.equal(next.statusCode, 200, 'the very next request passes: the webhook cleared the cached plan')
    const summary = json<{ plan_id: string; features: Array<{ feature: string; limit_value: number; usage_count: number }> }>(next)
    t.equal(summary.plan_id, 'pro')
    t.match(
      summary.features.find((f) => f.feature === 'api_request'),
      { limit_value: PLANS.pro.limits.api_request },
    )
    t.match(json(await app.inject({ url: '/api/users/subscription', headers: bearer(user.token) })), {
      plan_id: 'pro',
      status: 'active',
      effective_plan_id: 'pro',
    })
  },
)

t.test('a downgrade by cancellation shows on the next request', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  await postWebhook(
    app,
    subscriptionEvent({
      type: 'customer.subscription.created',
      userId: user.userId,
      priceId: PRICES.team,
      created: Math.floor(Date.now() / 1000) - 10,
    }),
  )
  t.equal(json<{ plan_id: string }>(await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })).plan_id, 'team')
  await postWebhook(app, subscriptionEvent({ type: 'customer.subscription.deleted', userId: user.userId, priceId: PRICES.team }))
  t.equal(json<{ plan_id: string }>(await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })).plan_id, 'free')
})

t.test("the gateway passes the webhook on byte for byte: a bad signature is the service's 400", async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const res = await postWebhook(
    app,
    subscriptionEvent({ type: 'customer.subscription.updated', userId: user.userId, priceId: PRICES.pro }),
    'whsec_wrong',
  )
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'INVALID_SIGNATURE')
  t.equal(json<{ plan_id: string }>(await app.inject({ url: '/api/users/usage', headers: bearer(user.token) })).plan_id, 'free')
})

t.test("checkout without Stripe configured is the service's 503 with a clear message", async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const res = await app.inject({
    method: 'POST',
    url: '/api/users/subscription/checkout',
    headers: bearer(user.token),
    payload: { plan_id: 'pro', success_url: 'http://localhost:5173/ok', cancel_url: 'http://localhost:5173/no' },
  })
  t.equal(res.statusCode, 503)
  t.equal(errorOf(res).code, 'STRIPE_NOT_CONFIGURED')
  t.ok(res.headers['retry-after'])
})

t.test('cancel with no subscription is a 404 from the service', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const res = await app.inject({ method: 'POST', url: '/api/users/subscription/cancel', headers: bearer(user.token) })
  t.equal(res.statusCode, 404)
  t.equal(errorOf(res).code, 'NO_ACTIVE_SUBSCRIPTION')
})
