import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { signWebhook, subscriptionEvent } from '../src/testing.ts'
import { PRICES, WEBHOOK_SECRET, auth, build, fakeStripe, userId, type StripeRequest } from './helper.ts'

const body = { plan_id: 'pro', success_url: 'https://app.example.com/ok', cancel_url: 'https://app.example.com/no' }

function stripeApi(req: StripeRequest) {
  if (req.path === '/v1/customers') return { body: { id: 'cus_test_1', object: 'customer' } }
  if (req.path === '/v1/checkout/sessions')
    return { body: { id: 'cs_test_1', object: 'checkout.session', url: 'https://checkout.stripe.test/pay/cs_test_1' } }
  if (req.path.startsWith('/v1/subscriptions/')) {
    return {
      body: { id: req.path.split('/').pop(), object: 'subscription', status: 'active', cancel_at_period_end: req.method === 'POST' },
    }
  }
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `no route ${req.path}` } } }
}

t.test('without STRIPE_SECRET_KEY checkout answers 503 STRIPE_NOT_CONFIGURED with a clear message', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'POST', url: `/users/${userId()}/checkout`, headers: auth, payload: body })
  t.equal(res.statusCode, 503)
  t.ok(res.headers['retry-after'])
  t.equal(errorOf(res).code, 'STRIPE_NOT_CONFIGURED')
  t.match(errorOf(res).message, /STRIPE_SECRET_KEY/)
})

t.test('checkout creates the customer once and a subscription-mode session carrying the user and plan', async (t) => {
  const stripe = await fakeStripe(t, stripeApi)
  const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: stripe.url })
  const user = userId()
  const res = await app.inject({
    method: 'POST',
    url: `/users/${user}/checkout`,
    headers: auth,
    payload: { ...body, email: 'max@example.com' },
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { checkout_url: 'https://checkout.stripe.test/pay/cs_test_1', session_id: 'cs_test_1' })
  const [customer, session] = stripe.requests
  t.match(customer, { method: 'POST', path: '/v1/customers', form: { 'metadata[user_id]': user, email: 'max@example.com' } })
  t.equal(customer?.headers['idempotency-key'], `customer-${user}`)
  t.equal(customer?.headers.authorization, 'Bearer sk_test_123')
  t.match(session, {
    method: 'POST',
    path: '/v1/checkout/sessions',
    form: {
      mode: 'subscription',
      customer: 'cus_test_1',
      'line_items[0][price]': PRICES.pro,
      'line_items[0][quantity]': '1',
      client_reference_id: user,
      'metadata[user_id]': user,
      'metadata[plan_id]': 'pro',
      'subscription_data[metadata][user_id]': user,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
    },
  })
  await app.inject({ method: 'POST', url: `/users/${user}/checkout`, headers: auth, payload: { ...body, plan_id: 'team' } })
  t.equal(stripe.requests.filter((r) => r.path === '/v1/customers').length, 1, 'the customer is reused')
  t.equal(stripe.requests.at(-1)?.form['line_items[0][price]'], PRICES.team)
})

for (const plan of ['free', 'platinum', 'PRO']) {
  t.test(`checkout for plan "${plan}" is a 400 and calls nothing at Stripe`, async (t) => {
    const stripe = await fakeStripe(t, stripeApi)
    const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: stripe.url })
    const res = await app.inject({ method: 'POST', url: `/users/${userId()}/checkout`, headers: auth, payload: { ...body, plan_id: plan } })
    t.equal(res.statusCode, 400)
    t.equal(errorOf(res).code, 'UNKNOWN_PLAN')
    t.equal(stripe.requests.length, 0)
  })
}

t.test('checkout with a bad url or an unknown field is a 400', async (t) => {
  const { app } = await build(t)
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/users/${userId()}/checkout`,
        headers: auth,
        payload: { ...body, success_url: 'not a url' },
      })
    ).statusCode,
    400,
  )
  t.equal(
    (await app.inject({ method: 'POST', url: `/users/${userId()}/checkout`, headers: auth, payload: { ...body, coupon: 'FREE' } }))
      .statusCode,
    400,
  )
})

t.test('Stripe not answering is a 503, not a 500', async (t) => {
  const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: 'http://127.0.0.1:9' })
  const res = await app.inject({ method: 'POST', url: `/users/${userId()}/checkout`, headers: auth, payload: body })
  t.equal(res.statusCode, 503)
  t.equal(errorOf(res).code, 'DEPENDENCY_UNAVAILABLE')
})

t.test("with the caller's idempotency-key, Stripe is asked to create the session under a key of its own", async (t) => {
  const stripe = await fakeStripe(t, stripeApi)
  const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: stripe.url })
  const user = userId()
  await app.inject({
    method: 'POST',
    url: `/users/${user}/checkout`,
    headers: { ...auth, 'idempotency-key': '01JD0000000000000000000001' },
    payload: body,
  })
  const session = stripe.requests.find((r) => r.path === '/v1/checkout/sessions')
  t.equal(session?.headers['idempotency-key'], `checkout-${user}-01JD0000000000000000000001`)
})

t.test('Stripe refusing our key or a price is a 502 whose body says nothing of Stripe or the key', async (t) => {
  const refusals = [
    { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_live_****************1234' } } },
    {
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          message: 'No such price: price_live_Zx9; a similar object exists in test mode, but a live mode key was used',
        },
      },
    },
    {
      status: 403,
      body: {
        error: { type: 'invalid_request_error', message: 'The provided key sk_live_...1234 does not have the required permissions' },
      },
    },
  ]
  for (const refusal of refusals) {
    const stripe = await fakeStripe(t, () => refusal)
    const { app } = await build(t, { stripeKey: 'sk_live_abcdefghijklmnop1234', stripeUrl: stripe.url })
    const res = await app.inject({ method: 'POST', url: `/users/${userId()}/checkout`, headers: auth, payload: body })
    t.equal(res.statusCode, 502, `Stripe ${refusal.status}`)
    t.same(errorOf(res), { code: 'DEPENDENCY_UNAVAILABLE', message: 'Payments are unavailable right now; retry later' })
    t.notMatch(res.body, /sk_|price_|Stripe|API Key|1234/)
  }
})

t.test('Stripe calls fit in the caller budget: the attempts and their retries end before it does', async (t) => {
  const stripe = await fakeStripe(t, () => ({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } }))
  const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: stripe.url })
  const res = await app.inject({
    method: 'POST',
    url: `/users/${userId()}/checkout`,
    headers: { ...auth, 'x-request-budget-ms': '2500' },
    payload: body,
  })
  t.equal(res.statusCode, 503)
  t.equal(stripe.requests.length, 1, '2.5 s leave room for one attempt and no retry')
  const roomy = await app.inject({
    method: 'POST',
    url: `/users/${userId()}/checkout`,
    headers: { ...auth, 'x-request-budget-ms': '20000' },
    payload: body,
  })
  t.equal(roomy.statusCode, 503)
  t.equal(stripe.requests.length, 1 + 3, '20 s leave room for two retries')
})

t.test('cancel asks Stripe to cancel at period end and leaves the table to the webhook', async (t) => {
  const stripe = await fakeStripe(t, stripeApi)
  const now = new Date()
  const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: stripe.url, now: () => now })
  const user = userId()
  const event = subscriptionEvent({
    type: 'customer.subscription.created',
    userId: user,
    priceId: PRICES.pro,
    subscriptionId: 'sub_cancel_me',
  })
  const { payload, signature } = signWebhook(event, WEBHOOK_SECRET)
  await app.inject({
    method: 'POST',
    url: '/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload,
  })
  const res = await app.inject({ method: 'POST', url: `/users/${user}/cancel`, headers: auth })
  t.equal(res.statusCode, 202)
  t.match(res.json(), { subscription_id: 'sub_cancel_me', cancel_at_period_end: true })
  t.match(stripe.requests.at(-1), { method: 'POST', path: '/v1/subscriptions/sub_cancel_me', form: { cancel_at_period_end: 'true' } })
  const sub = (await app.inject({ url: `/users/${user}/subscription`, headers: auth })).json()
  t.equal(sub.cancel_at_period_end, false, 'unchanged until Stripe sends customer.subscription.updated')
})

t.test('cancel with no active subscription is a 404', async (t) => {
  const stripe = await fakeStripe(t, stripeApi)
  const { app } = await build(t, { stripeKey: 'sk_test_123', stripeUrl: stripe.url })
  const res = await app.inject({ method: 'POST', url: `/users/${userId()}/cancel`, headers: auth })
  t.equal(res.statusCode, 404)
  t.equal(errorOf(res).code, 'NO_ACTIVE_SUBSCRIPTION')
  t.equal(stripe.requests.length, 0)
})

t.test('subscription routes need the service token; the webhook needs only its signature', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ url: `/users/${userId()}/subscription` })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: `/users/${userId()}/checkout`, payload: body })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: `/users/${userId()}/cancel` })).statusCode, 401)
})
