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
  return (await built.events()).map(({ type, detail }) => ({ type, detail }))
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

t.test('the events of a change are written with it: a redelivery answers duplicate and the outbox holds them once', async (t) => {
  const built = await build(t)
  const user = userId()
  const event = subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 })
  const first = await post(built, event, 'req-1')
  const again = await post(built, event, 'req-2')
  t.same([first.json().outcome, again.json().outcome], ['applied', 'duplicate'])
  const events = await built.events()
  t.same(
    events.map((e) => e.type),
    ['Subscription Activated'],
  )
  t.equal(events[0]!.detail.event_id, events[0]!.eventId, 'the stable id is in the detail')
  t.equal(events[0]!.detail.sequence, T0 * 1000, "the Stripe event's time orders the subscription's events")
})

t.test('webhooks of one subscription racing each other all apply, in Stripe order, each with its events once', async (t) => {
  const built = await build(t)
  const user = userId()
  await post(built, subscriptionEvent({ type: 'customer.subscription.created', userId: user, priceId: PRICES.pro, created: T0 }), 'r0')
  const plans = [PRICES.team, PRICES.pro, PRICES.team, PRICES.pro]
  const answers = await Promise.all(
    plans.map((priceId, i) =>
      post(built, subscriptionEvent({ type: 'customer.subscription.updated', userId: user, priceId, created: T0 + 10 + i }), `r${i + 1}`),
    ),
  )
  const outcomes = answers.map((r) => r.json().outcome as string)
  t.ok(
    outcomes.every((o) => o === 'applied' || o === 'stale'),
    outcomes.join(','),
  )
  // Applied ones apply in Stripe order (an older one after a newer is stale); one that lands on the plan
  // already there changes nothing, so it has no event.
  let plan: string = PRICES.pro
  let planChanges = 0
  plans.forEach((priceId, i) => {
    if (outcomes[i] !== 'applied') return
    if (priceId !== plan) planChanges += 1
    plan = priceId
  })
  const changes = (await built.events()).filter((e) => e.type === 'Subscription Changed')
  t.equal(changes.length, planChanges, 'one Subscription Changed per applied change of plan, none for a stale one')
  for (const change of changes) t.not(change.detail.plan_id, change.detail.previous_plan_id, 'each worked out from the row it changed')
})
