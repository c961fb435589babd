import t from 'tap'
import { LEGACY_EPOCH, resolveEmailConflicts, subscriptionFromLegacyProfile } from '@f1/legacy/profiles'
import { NOW, NOW_ISO, USER_ID, freeProfile, profile } from './fixtures.ts'

const map = (item: unknown) => subscriptionFromLegacyProfile(item, { now: NOW })

t.test('a paid profile with Stripe ids becomes a row keyed by its Stripe subscription', async (t) => {
  const result = map(profile())
  t.strictSame(result, {
    kind: 'mapped',
    table: 'subscriptions',
    legacyId: `USER#${USER_ID}`,
    warnings: [],
    item: {
      user_id: USER_ID,
      subscription_id: 'sub_123',
      plan_id: 'pro',
      status: 'active',
      cancel_at_period_end: false,
      updated_from_event_at: '2025-06-15T00:00:00.000Z',
      migrated_from: `USER#${USER_ID}`,
      migrated_at: NOW_ISO,
      current_period_start: '2025-06-15T00:00:00.000Z',
      current_period_end: '2025-07-15T00:00:00.000Z',
      stripe_subscription_id: 'sub_123',
      stripe_customer_id: 'cus_123',
    },
  })
})

interface Case {
  name: string
  item: Record<string, unknown>
  expect: Record<string, unknown>
  absent?: string[]
}

const cases: Case[] = [
  {
    name: 'a paid profile without a Stripe subscription gets the deterministic id legacy-<user_id>',
    item: profile({ stripe_subscription_id: undefined, stripe_customer_id: undefined }),
    expect: { kind: 'mapped', item: { subscription_id: `legacy-${USER_ID}`, plan_id: 'pro' } },
    absent: ['stripe_subscription_id', 'stripe_customer_id'],
  },
  {
    name: 'a blank Stripe subscription id counts as none',
    item: profile({ stripe_subscription_id: '  ' }),
    expect: { kind: 'mapped', item: { subscription_id: `legacy-${USER_ID}` } },
    absent: ['stripe_subscription_id'],
  },
  {
    name: 'Stripe ids are trimmed',
    item: profile({ stripe_subscription_id: ' sub_9 ', stripe_customer_id: 'cus_9\n' }),
    expect: { kind: 'mapped', item: { subscription_id: 'sub_9', stripe_subscription_id: 'sub_9', stripe_customer_id: 'cus_9' } },
  },
  { name: 'a free profile with no Stripe ids is skipped', item: freeProfile(), expect: { kind: 'skipped', reason: 'no_subscription' } },
  {
    name: 'a profile with no plan and no Stripe ids is skipped',
    item: freeProfile({ plan: undefined }),
    expect: { kind: 'skipped', reason: 'no_subscription' },
  },
  {
    name: 'a profile with a null plan and no Stripe ids is skipped',
    item: freeProfile({ plan: null }),
    expect: { kind: 'skipped', reason: 'no_subscription' },
  },
  {
    name: 'a profile with no plan but a Stripe customer is a free row keeping the customer',
    item: freeProfile({ plan: undefined, stripe_customer_id: 'cus_7' }),
    expect: { kind: 'mapped', item: { plan_id: 'free', status: 'active', stripe_customer_id: 'cus_7' } },
  },
  {
    name: 'a profile with no plan but a Stripe subscription is rejected rather than guessed',
    item: profile({ plan: undefined }),
    expect: { kind: 'rejected', reason: 'unknown_plan' },
  },
  { name: 'an unknown plan is rejected', item: profile({ plan: 'gold' }), expect: { kind: 'rejected', reason: 'unknown_plan' } },
  {
    name: 'an unknown plan is rejected even with no Stripe ids',
    item: freeProfile({ plan: 'platinum' }),
    expect: { kind: 'rejected', reason: 'unknown_plan' },
  },
  {
    name: 'a plan named like an Object member is unknown',
    item: profile({ plan: 'constructor' }),
    expect: { kind: 'rejected', reason: 'unknown_plan' },
  },
  { name: 'a plan that is not a string is unknown', item: profile({ plan: 2 }), expect: { kind: 'rejected', reason: 'unknown_plan' } },
  {
    name: 'no status means active',
    item: profile({ subscription_status: undefined }),
    expect: { kind: 'mapped', item: { status: 'active' } },
  },
  {
    name: 'status Past-Due is past_due',
    item: profile({ subscription_status: 'Past-Due' }),
    expect: { kind: 'mapped', item: { status: 'past_due' } },
  },
  {
    name: 'status TRIALING is trialing',
    item: profile({ subscription_status: 'TRIALING' }),
    expect: { kind: 'mapped', item: { status: 'trialing' } },
  },
  {
    name: 'an unknown status is rejected',
    item: profile({ subscription_status: 'frozen' }),
    expect: { kind: 'rejected', reason: 'unknown_status' },
  },
  {
    name: 'a canceled subscription still maps; cancel_at_period_end is false',
    item: profile({ subscription_status: 'canceled' }),
    expect: { kind: 'mapped', item: { status: 'canceled', cancel_at_period_end: false } },
  },
  {
    name: 'without a period start, updated_from_event_at is created_at',
    item: profile({ subscription_start: undefined, created_at: '2023-01-10 08:00:00' }),
    expect: { kind: 'mapped', item: { updated_from_event_at: '2023-01-10T08:00:00.000Z' } },
    absent: ['current_period_start'],
  },
  {
    name: 'with no date at all, updated_from_event_at is the epoch: any Stripe event is newer',
    item: profile({ subscription_start: undefined, subscription_end: undefined, created_at: undefined }),
    expect: { kind: 'mapped', item: { updated_from_event_at: LEGACY_EPOCH } },
    absent: ['current_period_start', 'current_period_end'],
  },
  {
    name: 'empty-string dates count as absent',
    item: profile({ subscription_end: '' }),
    expect: { kind: 'mapped' },
    absent: ['current_period_end'],
  },
  {
    name: 'an unreadable created_at is rejected even when the period is fine',
    item: profile({ created_at: 'N/A' }),
    expect: { kind: 'rejected', reason: 'bad_timestamp' },
  },
  {
    name: 'an unreadable subscription_start is rejected',
    item: profile({ subscription_start: '2023-13-45 25:61:00' }),
    expect: { kind: 'rejected', reason: 'bad_timestamp' },
  },
  {
    name: 'a free profile with an unreadable created_at is still just skipped: nothing of it is needed',
    item: freeProfile({ created_at: 'N/A' }),
    expect: { kind: 'skipped', reason: 'no_subscription' },
  },
  { name: 'a blank user_id is missing', item: profile({ user_id: '  ' }), expect: { kind: 'rejected', reason: 'missing_user_id' } },
  { name: 'a numeric user_id is rejected', item: profile({ user_id: 42 }), expect: { kind: 'rejected', reason: 'bad_user_id' } },
  {
    name: 'a user_id with a key separator is rejected',
    item: profile({ user_id: 'USER#u-1' }),
    expect: { kind: 'rejected', reason: 'bad_user_id', legacyId: `USER#${USER_ID}` },
  },
  { name: 'a user_id is trimmed', item: profile({ user_id: ' u-77 ' }), expect: { kind: 'mapped', item: { user_id: 'u-77' } } },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    const result = map(c.item)
    t.hasStrict(result, c.expect)
    const row = result.kind === 'mapped' ? (result.item as unknown as Record<string, unknown>) : {}
    for (const key of c.absent ?? []) t.notOk(key in row, `${key} is absent`)
  })
}

t.test('the same profile always gives the same row, so concurrent lazy migrations write one', async (t) => {
  const item = profile({ stripe_subscription_id: undefined })
  t.strictSame(map(item), map(structuredClone(item)))
})

t.test('the legacy item is not changed', async (t) => {
  const item = profile({ plan: 'premium', subscription_end: 1767225600 })
  const before = structuredClone(item)
  map(item)
  t.strictSame(item, before)
})

const holder = (userId: string, email: string, createdAt: unknown, type = 'user') =>
  profile({ strategy_id: `USER#${userId}`, user_id: userId, email, created_at: createdAt, type })

t.test('email conflicts compare created_at across formats', async (t) => {
  const { accounts, conflicts } = resolveEmailConflicts([
    holder('u-b', 'Bob@Example.com', '2023-01-02T00:00:00Z'),
    holder('u-a', 'bob@example.com', 1672531200000),
    holder('u-c', 'BOB@EXAMPLE.COM', '2023-01-01 12:00:00'),
  ])
  t.equal(accounts.get('bob@example.com')?.user_id, 'u-a')
  t.strictSame(
    conflicts.map((c) => [c.email, c.account.user_id, c.others.map((o) => o.user_id)]),
    [['bob@example.com', 'u-a', ['u-c', 'u-b']]],
  )
  t.equal(conflicts[0]?.account.created_at, '2023-01-01T00:00:00.000Z')
})

t.test('a profile whose created_at is missing or unreadable loses to any dated one', async (t) => {
  const { accounts } = resolveEmailConflicts([
    holder('u-x', 'c@x.io', 'N/A'),
    holder('u-y', 'C@x.io', undefined),
    holder('u-z', 'c@X.io', 1900000000),
  ])
  t.equal(accounts.get('c@x.io')?.user_id, 'u-z')
})

t.test('equal created_at: the smaller strategy_id wins, whatever the input order', async (t) => {
  const a = holder('u-1', 'd@x.io', '2023-01-01T00:00:00Z')
  const b = holder('u-2', 'D@x.io', '2023-01-01T00:00:00.000Z')
  t.equal(resolveEmailConflicts([a, b]).accounts.get('d@x.io')?.user_id, 'u-1')
  t.equal(resolveEmailConflicts([b, a]).accounts.get('d@x.io')?.user_id, 'u-1')
})

t.test('different emails, non-profiles, email locks and profiles without user_id or email are no conflicts', async (t) => {
  const { accounts, conflicts } = resolveEmailConflicts([
    holder('u-1', 'e@x.io', '2023-01-01T00:00:00Z'),
    holder('u-2', 'f@x.io', '2023-01-01T00:00:00Z'),
    { strategy_id: 'EMAIL#e@x.io', type: 'email_lock', user_id: 'u-9', email: 'e@x.io' },
    { strategy_id: 'ACTION#u-3#1', type: 'action', user_id: 'u-3', email: 'E@x.io' },
    profile({ strategy_id: 'USER#none', user_id: undefined, email: 'E@X.IO' }),
    profile({ strategy_id: 'USER#u-4', user_id: 'u-4', email: undefined }),
    null,
    42,
  ])
  t.equal(conflicts.length, 0)
  t.strictSame([...accounts.keys()].sort(), ['e@x.io', 'f@x.io'])
})
