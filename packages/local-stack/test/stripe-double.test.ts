// The local Stripe double, driven by the real `stripe` client: the calls subscription-service makes,
// the hosted checkout page, paying (signed webhooks in order, then the redirect), cancel, updates,
// and Stripe-style refusals.
import t from 'tap'
import type Stripe from 'stripe'
import { parseStripeForm } from '../src/stripe/form.ts'
import { addInterval } from '../src/stripe/double.ts'
import { KEY, PRICES, pay, startDouble, stripeClient, webhookEndpoint } from './stripe-helper.ts'

const checkoutParams = (customer: string, user = 'user-1', plan = 'pro') => ({
  mode: 'subscription' as const,
  customer,
  line_items: [{ price: plan === 'pro' ? PRICES.pro : PRICES.team, quantity: 1 }],
  success_url: 'http://127.0.0.1:5173/plan?checkout=done&session={CHECKOUT_SESSION_ID}',
  cancel_url: 'http://127.0.0.1:5173/plan?checkout=canceled',
  client_reference_id: user,
  metadata: { user_id: user, plan_id: plan },
  subscription_data: { metadata: { user_id: user, plan_id: plan } },
})

/** The thrown error of a call that must fail. */
async function refusal(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call
  } catch (err) {
    return err as Stripe.errors.StripeError
  }
  throw new Error('the call succeeded')
}

t.test('Stripe form encoding reads back into nested params', async (t) => {
  t.same(
    parseStripeForm(
      'metadata[user_id]=u1&line_items[0][price]=p&line_items[0][quantity]=1&line_items[1][price]=q&expand[]=a&expand[]=b&x=1',
    ),
    {
      metadata: { user_id: 'u1' },
      line_items: [{ price: 'p', quantity: '1' }, { price: 'q' }],
      expand: ['a', 'b'],
      x: '1',
    },
  )
  t.equal(addInterval(new Date('2026-01-31T10:00:00Z')).toISOString(), '2026-02-28T10:00:00.000Z', 'clamped to the end of a short month')
  t.equal(addInterval(new Date('2026-12-02T05:00:00Z')).toISOString(), '2027-01-02T05:00:00.000Z')
})

t.test('customers.create honours idempotency keys as Stripe does', async (t) => {
  const double = await startDouble(t)
  const stripe = stripeClient(double.port)
  const first = await stripe.customers.create({ metadata: { user_id: 'u1' }, email: 'max@example.com' }, { idempotencyKey: 'customer-u1' })
  t.match(first, { object: 'customer', email: 'max@example.com', metadata: { user_id: 'u1' }, livemode: false })
  t.match(first.id, /^cus_/)
  const again = await stripe.customers.create({ metadata: { user_id: 'u1' }, email: 'max@example.com' }, { idempotencyKey: 'customer-u1' })
  t.equal(again.id, first.id, 'the same key answers the same customer')
  t.equal(again.lastResponse.headers['idempotent-replayed'], 'true')
  const other = await stripe.customers.create({ metadata: { user_id: 'u1' } })
  t.not(other.id, first.id, 'without a key, a new customer')
  const misuse = await refusal(stripe.customers.create({ metadata: { user_id: 'u2' } }, { idempotencyKey: 'customer-u1' }))
  t.match(misuse, { type: 'StripeIdempotencyError', statusCode: 400, message: /same parameters they were first used with/ })
  t.equal((await stripe.customers.retrieve(first.id)).id, first.id)
  t.same(
    double.events().map((e) => e.type),
    ['customer.created', 'customer.created'],
    'one customer.created per customer made, none for a replay',
  )
})

t.test('a checkout session has a url serving an accessible test checkout page', async (t) => {
  const double = await startDouble(t)
  const stripe = stripeClient(double.port)
  const customer = await stripe.customers.create({ email: 'max@example.com', metadata: { user_id: 'user-1' } })
  const session = await stripe.checkout.sessions.create(checkoutParams(customer.id), { idempotencyKey: 'checkout-user-1-op1' })
  t.match(session, {
    object: 'checkout.session',
    mode: 'subscription',
    status: 'open',
    payment_status: 'unpaid',
    customer: customer.id,
    client_reference_id: 'user-1',
    metadata: { user_id: 'user-1', plan_id: 'pro' },
    amount_total: 1900,
    currency: 'usd',
    subscription: null,
  })
  t.match(session.id, /^cs_test_/)
  t.equal(session.url, `${double.url}/checkout/${session.id}`)
  const replay = await stripe.checkout.sessions.create(checkoutParams(customer.id), { idempotencyKey: 'checkout-user-1-op1' })
  t.equal(replay.id, session.id, 'a retried checkout gets the same session')

  const page = await fetch(session.url!)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html/)
  const html = await page.text()
  t.match(html, /<html lang="en">/)
  t.match(html, /<title>[^<]*Test checkout \(local Stripe double\)<\/title>/)
  t.match(html, /<h1>Subscribe to F1 Race Sim Pro<\/h1>/)
  t.match(html, /\$19\.00 per month/)
  t.match(html, new RegExp(PRICES.pro))
  t.match(html, /max@example\.com/)
  t.match(html, new RegExp(`<form method="post" action="/checkout/${session.id}/pay">`))
  t.match(html, /<button type="submit">Pay \(test mode\)<\/button>/)
  t.match(html, new RegExp(`<a href="/checkout/${session.id}/cancel">Cancel</a>`))
  t.equal((await fetch(`${double.url}/checkout/cs_test_nope`)).status, 404)
})

t.test('paying creates the subscription, sends signed webhooks in order, then redirects to success_url', async (t) => {
  const endpoint = await webhookEndpoint(t)
  const double = await startDouble(t, { webhookUrl: endpoint.url })
  const stripe = stripeClient(double.port)
  const customer = await stripe.customers.create({ metadata: { user_id: 'user-1' } }, { idempotencyKey: 'customer-user-1' })
  const session = await stripe.checkout.sessions.create(checkoutParams(customer.id))
  const before = Math.floor(Date.now() / 1000)
  const res = await pay(session.url!)
  t.equal(res.status, 303)
  t.equal(res.headers.get('location'), `http://127.0.0.1:5173/plan?checkout=done&session=${session.id}`, '{CHECKOUT_SESSION_ID} filled in')

  // Every event was delivered before the redirect, each signed with the endpoint's secret.
  const events = endpoint.events()
  t.same(
    events.map((e) => e.type),
    ['customer.created', 'customer.subscription.created', 'invoice.paid', 'checkout.session.completed'],
  )
  for (const r of endpoint.received) {
    t.match(r.headers['content-type'], /^application\/json/)
    t.match(r.headers['stripe-signature'], /^t=\d+,v1=[0-9a-f]{64}$/)
  }
  const [, created, paid, completed] = events as [
    Stripe.Event,
    Stripe.CustomerSubscriptionCreatedEvent,
    Stripe.InvoicePaidEvent,
    Stripe.CheckoutSessionCompletedEvent,
  ]
  const sub = created.data.object
  t.match(sub, {
    object: 'subscription',
    status: 'active',
    customer: customer.id,
    metadata: { user_id: 'user-1', plan_id: 'pro' },
    cancel_at_period_end: false,
  })
  const item = sub.items.data[0]!
  t.equal(item.price.id, PRICES.pro)
  t.ok(item.current_period_start >= before && item.current_period_start <= before + 5)
  t.equal(item.current_period_end, Math.floor(addInterval(new Date(item.current_period_start * 1000)).getTime() / 1000), 'a month')
  t.match(paid.data.object, { object: 'invoice', status: 'paid', amount_paid: 1900, customer: customer.id })
  t.match(paid.data.object.parent, { subscription_details: { subscription: sub.id, metadata: { user_id: 'user-1' } } })
  t.match(completed.data.object, {
    id: session.id,
    status: 'complete',
    payment_status: 'paid',
    subscription: sub.id,
    customer: customer.id,
    client_reference_id: 'user-1',
    metadata: { user_id: 'user-1', plan_id: 'pro' },
  })
  t.same(
    double.deliveries().map((d) => [d.type, d.ok, d.attempts, d.status]),
    events.map((e) => [e.type, true, 1, 200]),
  )

  // The API agrees with the events.
  const retrieved = await stripe.subscriptions.retrieve(sub.id)
  t.same(retrieved.items.data[0]?.price.id, PRICES.pro)
  t.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'complete')
  const listed = await stripe.events.list({ limit: 2 })
  t.same(
    listed.data.map((e) => e.type),
    ['checkout.session.completed', 'invoice.paid'],
    'newest first',
  )

  // Paying twice (a double submit) makes nothing more.
  const twice = await pay(session.url!)
  t.equal(twice.status, 303)
  t.equal(endpoint.received.length, 4)
  t.match(await (await fetch(session.url!)).text(), /This checkout is complete/)
})

t.test('cancel redirects to cancel_url and leaves the session open', async (t) => {
  const endpoint = await webhookEndpoint(t)
  const double = await startDouble(t, { webhookUrl: endpoint.url })
  const stripe = stripeClient(double.port)
  const customer = await stripe.customers.create({})
  const session = await stripe.checkout.sessions.create(checkoutParams(customer.id))
  const res = await fetch(`${session.url}/cancel`, { redirect: 'manual' })
  t.equal(res.status, 303)
  t.equal(res.headers.get('location'), 'http://127.0.0.1:5173/plan?checkout=canceled')
  t.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'open')
  await double.idle()
  t.same(
    endpoint.events().map((e) => e.type),
    ['customer.created'],
    'no subscription, no payment events',
  )
})

t.test('a session without a customer gets one when paid; retrieve and update its subscription', async (t) => {
  const endpoint = await webhookEndpoint(t)
  const double = await startDouble(t, { webhookUrl: endpoint.url })
  const stripe = stripeClient(double.port)
  const { customer: _c, ...params } = checkoutParams('', 'user-2', 'team')
  const session = await stripe.checkout.sessions.create({ ...params, customer_email: 'lec@example.com' })
  await pay(session.url!)
  const completed = await stripe.checkout.sessions.retrieve(session.id)
  const subscriptionId = completed.subscription as string
  const sub = await stripe.subscriptions.retrieve(subscriptionId)
  t.equal(sub.customer, completed.customer)
  t.match(await stripe.customers.retrieve(sub.customer as string), { email: 'lec@example.com' })
  t.equal(sub.items.data[0]?.price.id, PRICES.team)

  const updated = await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true })
  t.match(updated, { cancel_at_period_end: true, status: 'active', cancel_at: sub.items.data[0]?.current_period_end })
  await double.idle()
  const last = endpoint.events().at(-1) as Stripe.CustomerSubscriptionUpdatedEvent
  t.equal(last.type, 'customer.subscription.updated')
  t.equal(last.data.object.cancel_at_period_end, true)
  t.match(last.data.previous_attributes, { cancel_at_period_end: false })
  const count = endpoint.received.length
  await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true })
  await double.idle()
  t.equal(endpoint.received.length, count, 'an update that changes nothing sends no event')

  const canceled = await stripe.subscriptions.cancel(subscriptionId)
  t.equal(canceled.status, 'canceled')
  await double.idle()
  t.equal(endpoint.events().at(-1)?.type, 'customer.subscription.deleted')
  const again = await refusal(stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false }))
  t.match(again, { type: 'StripeInvalidRequestError', statusCode: 400 })
})

t.test('a failing webhook endpoint is retried; one that never answers does not stop the redirect', async (t) => {
  const flaky = await webhookEndpoint(t, (i) => (i === 0 ? 500 : 200))
  const double = await startDouble(t, { webhookUrl: flaky.url })
  const stripe = stripeClient(double.port)
  await stripe.customers.create({})
  await double.idle()
  t.match(double.deliveries(), [{ type: 'customer.created', ok: true, attempts: 2, status: 200 }])
  t.equal(new Set(flaky.events().map((e) => e.id)).size, 1, 'the same event each time')

  const lines: string[] = []
  const down = await startDouble(t, { webhookUrl: 'http://127.0.0.1:9/webhook', log: (line) => lines.push(line) })
  const client = stripeClient(down.port)
  const session = await client.checkout.sessions.create({ ...checkoutParams((await client.customers.create({})).id) })
  const res = await pay(session.url!)
  t.equal(res.status, 303)
  t.match(down.deliveries(), [
    { type: 'customer.created', ok: false, attempts: 3 },
    { type: 'customer.subscription.created', ok: false, attempts: 3 },
    { type: 'invoice.paid', ok: false, attempts: 3 },
    { type: 'checkout.session.completed', ok: false, attempts: 3 },
  ])
  t.ok(
    lines.some((l) => /webhook checkout\.session\.completed evt_\w+ FAILED after 3 attempt\(s\)/.test(l)),
    'each outcome is logged',
  )
})

t.test('bad input answers Stripe-style errors', async (t) => {
  const double = await startDouble(t)
  const stripe = stripeClient(double.port)
  const customer = await stripe.customers.create({})
  const cases: Array<[string, Promise<unknown>, Record<string, unknown>]> = [
    [
      'no mode',
      stripe.checkout.sessions.create({ ...checkoutParams(customer.id), mode: undefined }),
      { statusCode: 400, code: 'parameter_missing', param: 'mode', message: 'Missing required param: mode.' },
    ],
    [
      'an unknown price',
      stripe.checkout.sessions.create({ ...checkoutParams(customer.id), line_items: [{ price: 'price_nope', quantity: 1 }] }),
      { statusCode: 400, code: 'resource_missing', param: 'line_items[0][price]', message: "No such price: 'price_nope'" },
    ],
    [
      'an unknown customer',
      stripe.checkout.sessions.create(checkoutParams('cus_nope')),
      { statusCode: 400, code: 'resource_missing', param: 'customer' },
    ],
    [
      'a success_url that is not a URL',
      stripe.checkout.sessions.create({ ...checkoutParams(customer.id), success_url: 'not a url' }),
      { statusCode: 400, code: 'url_invalid', param: 'success_url' },
    ],
    [
      'a parameter the double does not implement',
      stripe.checkout.sessions.create({ ...checkoutParams(customer.id), allow_promotion_codes: true }),
      { statusCode: 400, code: 'parameter_unknown', param: 'allow_promotion_codes' },
    ],
    [
      'payment mode',
      stripe.checkout.sessions.create({ ...checkoutParams(customer.id), mode: 'payment' }),
      { statusCode: 400, param: 'mode' },
    ],
    ['an unknown subscription', stripe.subscriptions.retrieve('sub_nope'), { statusCode: 404, code: 'resource_missing' }],
    [
      'an update of an unknown subscription',
      stripe.subscriptions.update('sub_nope', { cancel_at_period_end: true }),
      { statusCode: 404, code: 'resource_missing', message: "No such subscription: 'sub_nope'" },
    ],
  ]
  for (const [name, call, expected] of cases) {
    const err = await refusal(call)
    t.match(err, { type: 'StripeInvalidRequestError', ...expected }, name)
    t.match(err.raw, { type: 'invalid_request_error' }, `${name}: the raw error is Stripe's shape`)
  }
  const live = await refusal(stripeClient(double.port, 'sk_live_abcdefghijklmnop1234').customers.create({}))
  t.match(live, { type: 'StripeAuthenticationError', statusCode: 401, message: /test mode keys only/ })
  t.notMatch(live.message, /abcdefghijklmnop/, 'the key is masked')
  const raw = await fetch(`${double.url}/v1/customers`, { method: 'POST' })
  t.equal(raw.status, 401)
  t.match(await raw.json(), { error: { type: 'invalid_request_error', message: /did not provide an API key/ } })
  const basic = await fetch(`${double.url}/v1/customers/${customer.id}`, { headers: { authorization: `Basic ${btoa(`${KEY}:`)}` } })
  t.equal(basic.status, 200, 'Basic auth with the key as user name works too (curl -u sk_test_...:)')
  const unknown = await fetch(`${double.url}/v1/charges`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })
  t.equal(unknown.status, 404)
  t.match(await unknown.json(), { error: { message: /Unrecognized request URL \(POST: \/v1\/charges\)/ } })
  t.equal(double.events().length, 1, 'nothing refused made an event')
})

t.test('with adoptUnknownIds, ids made elsewhere (pnpm demo:plan, a run before a restart) are taken as existing', async (t) => {
  const endpoint = await webhookEndpoint(t)
  const lines: string[] = []
  const double = await startDouble(t, { webhookUrl: endpoint.url, adoptUnknownIds: true, log: (line) => lines.push(line) })
  const stripe = stripeClient(double.port)
  const session = await stripe.checkout.sessions.create(checkoutParams('cus_made_by_demo_plan'))
  t.equal(session.customer, 'cus_made_by_demo_plan')
  t.equal((await pay(session.url!)).status, 303)
  t.match(endpoint.events().find((e) => e.type === 'customer.subscription.created')?.data.object, { customer: 'cus_made_by_demo_plan' })
  const updated = await stripe.subscriptions.update('sub_made_by_demo_plan', { cancel_at_period_end: true })
  t.match(updated, { id: 'sub_made_by_demo_plan', status: 'active', cancel_at_period_end: true })
  await double.idle()
  t.match(endpoint.events().at(-1), { type: 'customer.subscription.updated', data: { object: { id: 'sub_made_by_demo_plan' } } })
  t.match(await refusal(stripe.subscriptions.retrieve('sub_never_seen')), { statusCode: 404 }, 'a read adopts nothing')
  t.ok(lines.some((l) => l.startsWith('adopted customer cus_made_by_demo_plan')))
})
