import t from 'tap'
import { allItems, auth, build, legacyProfile, userId } from './helper.ts'

const NOW = new Date('2026-11-26T12:00:00.000Z')


t.test('a user with no row anywhere is on the free plan and nothing is written', async (t) => {
  const { app, tables } = await build(t, { now: () => NOW })
  const res = await app.inject({ url: `/users/${userId()}/subscription`, headers: auth })
  t.same(res.json(), {
    subscription_id: null,
    plan_id: 'free',
    status: 'active',
    current_period_start: null,
    current_period_end: null,
    cancel_at_period_end: false,
    effective_plan_id: 'free',
    source: 'default',
  })
  t.same(await allItems(tables), [])
})

t.test('a legacy premium user with an epoch-seconds end gets pro, and 20 concurrent first reads write one row', async (t) => {
  const { app, tables } = await build(t, { now: () => NOW })
  const user = userId('legacy')
  const end = Math.floor(Date.parse('2027-01-31T00:00:00Z') / 1000)
  await legacyProfile(tables, user, {
    plan: 'premium',
    subscription_status: 'active',
    subscription_start: '1767225600',
    subscription_end: end,
    stripe_customer_id: 'cus_legacy',
  })
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject({ url: `/users/${user}/subscription`, headers: auth })))
  t.ok(answers.every((r) => r.statusCode === 200))
  for (const res of answers)
    t.match(res.json(), { plan_id: 'pro', effective_plan_id: 'pro', current_period_end: '2027-01-31T00:00:00.000Z' })
  const rows = await allItems(tables)
  t.equal(rows.length, 1, 'exactly one subscriptions row')
  t.match(rows[0], { user_id: user, plan_id: 'pro', migrated_from: `USER#${user}`, stripe_customer_id: 'cus_legacy' })
  const again = (await app.inject({ url: `/users/${user}/subscription`, headers: auth })).json()
  t.equal(again.source, 'subscriptions', 'later reads come from the subscriptions table')
})

t.test('a legacy cancelled subscription is migrated as canceled and grants free', async (t) => {
  const { app, tables } = await build(t, { now: () => NOW })
  const user = userId('legacy')
  await legacyProfile(tables, user, { plan: 'Enterprise', subscription_status: 'cancelled', subscription_end: '2027-05-01T00:00:00Z' })
  t.match((await app.inject({ url: `/users/${user}/subscription`, headers: auth })).json(), {
    plan_id: 'team',
    status: 'canceled',
    effective_plan_id: 'free',
  })
})

t.test('a legacy profile on the basic plan has no subscription: free, nothing written', async (t) => {
  const { app, tables } = await build(t, { now: () => NOW })
  const user = userId('legacy')
  await legacyProfile(tables, user, { plan: 'basic' })
  t.match((await app.inject({ url: `/users/${user}/subscription`, headers: auth })).json(), { plan_id: 'free', source: 'default' })
  t.same(await allItems(tables), [])
})

t.test('a legacy profile is never modified by the lazy migration', async (t) => {
  const { app, tables } = await build(t, { now: () => NOW })
  const user = userId('legacy')
  await legacyProfile(tables, user, { plan: 'PRO', subscription_end: '2027-05-01 00:00:00' })
  const before = await allItems(tables, 'legacy')
  await app.inject({ url: `/users/${user}/subscription`, headers: auth })
  t.same(await allItems(tables, 'legacy'), before)
})
