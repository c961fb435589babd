import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { invoiceEvent, signWebhook, subscriptionEvent } from '../src/testing.ts'
import { PRICES, WEBHOOK_SECRET, allItems, auth, build, userId } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']
const T0 = 1_790_000_000 // 2026-09-21: event times in these tests

function post(app: App, event: object, options: { secret?: string; timestamp?: number; tamper?: boolean } = {}) {
  const { payload, signature } = signWebhook(event, options.secret ?? WEBHOOK_SECRET, options.timestamp)
  return app.inject({
    method: 'POST',
    url: '/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload: options.tamper ? payload.replace('"active"', '"trialing"') : payload,
  })
}

const current = async (app: App, user: string) => (await app.inject({ url: `/users/${user}/subscription`, headers: auth })).json()
const now = () => new Date((T0 + 3600) * 1000)

t.test('a signed subscription.created writes the row and the plan shows at once', async (t) => {
  const { app } = await build(t, { now })
  const user = userId()
  const res = await post(
    app,
    subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0, periodStart: T0 }),
  )
  t.equal(res.statusCode, 200)
  t.same(res.json(), { received: true, outcome: 'applied' })
  t.match(await current(app, user), {
    plan_id: 'pro',
    status: 'active',
    effective_plan_id: 'pro',
    source: 'subscriptions',
    current_period_start: new Date(T0 * 1000).toISOString(),
    current_period_end: new Date((T0 + 30 * 86_400) * 1000).toISOString(),
    cancel_at_period_end: false,
  })
})

t.test('a replayed webhook changes nothing and writes nothing more', async (t) => {
  const { app, tables } = await build(t, { now })
  const user = userId()
  const event = subscriptionEvent({ type: 'customer.subscription.updated', userId: user, priceId: PRICES.team, created: T0 })
  await post(app, event)
  const before = await allItems(tables)
  const replay = await post(app, event)
  t.same(replay.json(), { received: true, outcome: 'duplicate' })
  t.same(await allItems(tables), before)
})

t.test('updated before created: the older created event arrives last and is ignored', async (t) => {
  const { app, tables } = await build(t, { now })
  const user = userId()
  const updated = subscriptionEvent({ type: 'customer.subscription.updated', userId: user, priceId: PRICES.team, created: T0 + 60 })
  const created = subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 })
  t.equal((await post(app, updated)).json().outcome, 'applied')
  t.equal((await post(app, created)).json().outcome, 'stale')
  t.match(await current(app, user), { plan_id: 'team', effective_plan_id: 'team' })
  const rows = (await allItems(tables)).filter((i) => !String(i.subscription_id).startsWith('#'))
  t.equal(rows.length, 1, 'one subscription row')
})

t.test('deleted before updated: the subscription stays canceled and the plan is free', async (t) => {
  const { app } = await build(t, { now })
  const user = userId()
  await post(app, subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 }))
  t.equal(
    (
      await post(app, subscriptionEvent({ type: 'customer.subscription.deleted', userId: user, priceId: PRICES.pro, created: T0 + 120 }))
    ).json().outcome,
    'applied',
  )
  t.equal(
    (
      await post(app, subscriptionEvent({ type: 'customer.subscription.updated', userId: user, priceId: PRICES.team, created: T0 + 60 }))
    ).json().outcome,
    'stale',
  )
  t.match(await current(app, user), { plan_id: 'pro', status: 'canceled', effective_plan_id: 'free' })
})

t.test('a bad signature, a tampered body or a missing header is a 400 and writes nothing', async (t) => {
  const { app, tables } = await build(t, { now })
  const user = userId()
  const event = subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 })
  const wrongSecret = await post(app, event, { secret: 'whsec_someone_else' })
  const tampered = await post(app, event, { tamper: true })
  const missing = await app.inject({
    method: 'POST',
    url: '/stripe/webhook',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(event),
  })
  for (const res of [wrongSecret, tampered, missing]) {
    t.equal(res.statusCode, 400)
    t.equal(errorOf(res).code, 'INVALID_SIGNATURE')
  }
  t.same(await allItems(tables), [])
})

t.test('a signature older than five minutes is refused', async (t) => {
  const { app, tables } = await build(t, { now })
  const event = subscriptionEvent({ type: 'customer.subscription.created', userId: userId(), priceId: PRICES.pro })
  const res = await post(app, event, { timestamp: Math.floor(Date.now() / 1000) - 600 })
  t.equal(res.statusCode, 400)
  t.match(errorOf(res).message, /tolerance/i)
  t.same(await allItems(tables), [])
})

t.test('an unknown event type is a 200 and is ignored', async (t) => {
  const { app, tables } = await build(t, { now })
  const res = await post(app, { id: 'evt_x', object: 'event', type: 'customer.tax_id.created', created: T0, data: { object: {} } })
  t.same(res.json(), { received: true, outcome: 'ignored' })
  t.same(await allItems(tables), [])
})

t.test('a failed payment makes the subscription past_due (still entitled); a paid invoice makes it active again', async (t) => {
  const { app } = await build(t, { now })
  const user = userId()
  await post(app, subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 }))
  await post(app, invoiceEvent({ type: 'invoice.payment_failed', userId: user, created: T0 + 10 }))
  t.match(await current(app, user), { status: 'past_due', effective_plan_id: 'pro' })
  await post(app, invoiceEvent({ type: 'invoice.paid', userId: user, created: T0 + 20 }))
  t.match(await current(app, user), { status: 'active' })
})

t.test('an invoice for a subscription the table does not know yet is ignored as stale, writing nothing', async (t) => {
  const { app, tables } = await build(t, { now })
  const res = await post(app, invoiceEvent({ type: 'invoice.paid', userId: userId(), created: T0 }))
  t.equal(res.json().outcome, 'stale')
  t.same(await allItems(tables), [])
})

t.test('an event without our metadata finds its user through the stripe_subscription_id index', async (t) => {
  const { app } = await build(t, { now })
  const user = userId()
  await post(app, subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 }))
  const res = await post(
    app,
    subscriptionEvent({
      type: 'customer.subscription.updated',
      userId: user,
      priceId: PRICES.team,
      created: T0 + 5,
      withoutMetadata: true,
    }),
  )
  t.equal(res.json().outcome, 'applied')
  t.match(await current(app, user), { plan_id: 'team' })
})

t.test('a past current_period_end means free even while the status says active', async (t) => {
  const { app } = await build(t, { now: () => new Date((T0 + 31 * 86_400) * 1000) })
  const user = userId()
  await post(
    app,
    subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0, periodStart: T0 }),
  )
  t.match(await current(app, user), { status: 'active', plan_id: 'pro', effective_plan_id: 'free' })
})

t.test('checkout.session.completed without API access records the plan it was bought for', async (t) => {
  const { app } = await build(t, { now })
  const user = userId()
  const event = {
    id: 'evt_checkout_1',
    object: 'event',
    type: 'checkout.session.completed',
    created: T0,
    data: {
      object: {
        id: 'cs_1',
        object: 'checkout.session',
        subscription: 'sub_from_checkout',
        customer: 'cus_1',
        client_reference_id: user,
        metadata: { user_id: user, plan_id: 'team' },
      },
    },
  }
  t.equal((await post(app, event)).json().outcome, 'applied')
  t.match(await current(app, user), { subscription_id: 'sub_from_checkout', plan_id: 'team', status: 'active', effective_plan_id: 'team' })
})
