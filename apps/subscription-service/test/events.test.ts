import t from 'tap'
import { invoiceEvent, signWebhook, subscriptionEvent } from '../src/testing.ts'
import { PRICES, WEBHOOK_SECRET, build, userId } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>
const T0 = Math.floor(Date.now() / 1000) - 3600

async function post(built: Built, event: object, requestId: string) {
  const { payload, signature } = signWebhook(event, WEBHOOK_SECRET)
  return built.app.inject({
    method: 'POST',
    url: '/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature, 'x-request-id': requestId },
    payload,
  })
}

async function published(built: Built) {
  await built.app.events.publisher.flush()
  return built.bus.entries().map((e) => ({ type: e.DetailType, detail: JSON.parse(e.Detail) as Record<string, unknown> }))
}

t.test("a subscription's life publishes Activated, Changed, Payment Failed and Canceled, each with its webhook's request id", async (t) => {
  const built = await build(t)
  const user = userId()
  await post(
    built,
    subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 }),
    'req-created',
  )
  await post(
    built,
    subscriptionEvent({ type: 'customer.subscription.updated', userId: user, priceId: PRICES.team, created: T0 + 10 }),
    'req-upgrade',
  )
  await post(built, invoiceEvent({ type: 'invoice.payment_failed', userId: user, created: T0 + 20 }), 'req-failed')
  await post(
    built,
    subscriptionEvent({ type: 'customer.subscription.deleted', userId: user, priceId: PRICES.team, created: T0 + 30 }),
    'req-deleted',
  )
  t.match(await published(built), [
    { type: 'Subscription Activated', detail: { user_id: user, plan_id: 'pro', status: 'active', correlation_id: 'req-created' } },
    { type: 'Subscription Changed', detail: { plan_id: 'team', previous_plan_id: 'pro', correlation_id: 'req-upgrade' } },
    { type: 'Subscription Payment Failed', detail: { correlation_id: 'req-failed' } },
    { type: 'Subscription Canceled', detail: { status: 'canceled', at_period_end: false, correlation_id: 'req-deleted' } },
  ])
})

t.test('a cancellation at period end is announced once, while the plan still runs', async (t) => {
  const built = await build(t)
  const user = userId()
  await post(built, subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 }), 'r1')
  await post(
    built,
    subscriptionEvent({
      type: 'customer.subscription.updated',
      userId: user,
      priceId: PRICES.pro,
      created: T0 + 5,
      cancelAtPeriodEnd: true,
    }),
    'r2',
  )
  await post(
    built,
    subscriptionEvent({
      type: 'customer.subscription.updated',
      userId: user,
      priceId: PRICES.pro,
      created: T0 + 6,
      cancelAtPeriodEnd: true,
    }),
    'r3',
  )
  const events = await published(built)
  t.same(
    events.map((e) => e.type),
    ['Subscription Activated', 'Subscription Canceled'],
  )
  t.match(events[1]?.detail, { at_period_end: true, status: 'active', plan_id: 'pro' })
})

t.test('a replayed or stale webhook publishes nothing', async (t) => {
  const built = await build(t)
  const user = userId()
  const created = subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 + 10 })
  await post(built, created, 'r1')
  await post(built, created, 'r2')
  await post(built, subscriptionEvent({ type: 'customer.subscription.updated', userId: user, priceId: PRICES.team, created: T0 }), 'r3')
  t.same(
    (await published(built)).map((e) => e.type),
    ['Subscription Activated'],
  )
})
