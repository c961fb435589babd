// One row per case docs/legacy-data.md lists, through the single entry point transformLegacyItem.
import t from 'tap'
import { transformLegacyItem, type ClassifiedResult } from '@f1/legacy/items'
import { resolveEmailConflicts } from '@f1/legacy/profiles'
import { mergeUsageRows } from '@f1/legacy/usage'
import type { UsageRow } from '@f1/legacy/result'
import { NOW_ISO, SIMULATION_ID, USER_ID, action, ctx, freeProfile, profile, strategy, usage } from './fixtures.ts'

interface Case {
  name: string
  item: unknown
  /** Fields of the result that must be equal (deep, strict). */
  expect: Record<string, unknown>
  /** Attributes the mapped row must not have. */
  absent?: string[]
  /** What an action row's sort key starts with (it ends in a hash of the legacy id). */
  keyPrefix?: string
}

const cases: Case[] = [
  // Timestamps: ISO with or without ms and Z, `YYYY-MM-DD HH:mm:ss`, epoch s and ms, numbers or strings.
  {
    name: 'an ISO timestamp with milliseconds and Z is kept to the millisecond',
    item: action({ timestamp: '2024-03-01T11:00:00.123Z' }),
    expect: { kind: 'mapped' },
    keyPrefix: '2024-03-01T11:00:00.123Z#legacy-',
  },
  {
    name: 'an ISO timestamp without milliseconds gets .000',
    item: profile({ subscription_start: '2025-06-15T10:20:30Z' }),
    expect: { kind: 'mapped', item: { current_period_start: '2025-06-15T10:20:30.000Z' } },
  },
  {
    name: 'an ISO timestamp without a zone is read as UTC',
    item: strategy({ created_at: '2024-03-01T11:00:00' }),
    expect: { kind: 'mapped', item: { created_at: '2024-03-01T11:00:00.000Z' } },
  },
  {
    name: 'a `YYYY-MM-DD HH:mm:ss` timestamp is read as UTC',
    item: strategy({ created_at: '2024-03-01 23:59:58' }),
    expect: { kind: 'mapped', item: { created_at: '2024-03-01T23:59:58.000Z' } },
  },
  {
    name: 'epoch seconds as a number are an instant (a premium profile ending in epoch seconds is pro)',
    item: profile({ plan: 'premium', subscription_end: 1767225600 }),
    expect: { kind: 'mapped', item: { plan_id: 'pro', current_period_end: '2026-01-01T00:00:00.000Z' } },
  },
  {
    name: 'epoch seconds as a string are an instant',
    item: profile({ subscription_start: '1749945600' }),
    expect: { kind: 'mapped', item: { current_period_start: '2025-06-15T00:00:00.000Z' } },
  },
  {
    name: 'epoch milliseconds as a number are an instant',
    item: strategy({ created_at: 1709290800123 }),
    expect: { kind: 'mapped', item: { created_at: '2024-03-01T11:00:00.123Z' } },
  },
  {
    name: 'epoch milliseconds as a string are an instant',
    item: usage({ date: '1709333999999' }),
    expect: { kind: 'mapped', item: { feature_date_key: 'simulation_run_2024-03-01' } },
  },

  // Numbers as strings, race clocks.
  {
    name: 'a usage count stored as a string is a number',
    item: usage({ count: '12' }),
    expect: { kind: 'mapped', item: { usage_count: 12 } },
  },
  {
    name: 'a total_time stored as a string is seconds',
    item: strategy({ total_time: '5234.117' }),
    expect: { kind: 'mapped', item: { total_time: 5234.117 } },
  },
  {
    name: 'a total_time written as a race clock H:MM:SS.mmm is seconds',
    item: strategy({ total_time: '1:27:14.117' }),
    expect: { kind: 'mapped', item: { total_time: 5234.117 } },
  },

  // Plan names, status spelling.
  { name: 'plan premium is pro', item: profile({ plan: 'premium' }), expect: { kind: 'mapped', item: { plan_id: 'pro' } } },
  {
    name: 'plan basic is free (kept as a row when the profile has a Stripe customer)',
    item: freeProfile({ plan: 'basic', stripe_customer_id: 'cus_9' }),
    expect: { kind: 'mapped', item: { plan_id: 'free', stripe_customer_id: 'cus_9', subscription_id: `legacy-${USER_ID}` } },
  },
  {
    name: 'plan basic with no Stripe ids is skipped: no row already means free',
    item: freeProfile({ plan: 'basic' }),
    expect: { kind: 'skipped', reason: 'no_subscription' },
  },
  { name: 'plan enterprise is team', item: profile({ plan: 'enterprise' }), expect: { kind: 'mapped', item: { plan_id: 'team' } } },
  {
    name: 'plan names are read in any letter case',
    item: profile({ plan: 'PrEmIuM' }),
    expect: { kind: 'mapped', item: { plan_id: 'pro' } },
  },
  {
    name: 'status cancelled is canceled',
    item: profile({ subscription_status: 'cancelled' }),
    expect: { kind: 'mapped', item: { status: 'canceled' } },
  },
  {
    name: 'status names are read in any letter case',
    item: profile({ subscription_status: 'CANCELLED' }),
    expect: { kind: 'mapped', item: { status: 'canceled' } },
  },

  // Feature names.
  {
    name: 'feature simulations is simulation_run',
    item: usage({ feature: 'simulations' }),
    expect: { kind: 'mapped', item: { feature_name: 'simulation_run' } },
  },
  {
    name: 'feature sim is simulation_run',
    item: usage({ feature: 'sim' }),
    expect: { kind: 'mapped', item: { feature_name: 'simulation_run' } },
  },
  {
    name: 'feature mc is monte_carlo_run',
    item: usage({ feature: 'mc' }),
    expect: { kind: 'mapped', item: { feature_name: 'monte_carlo_run' } },
  },
  {
    name: 'feature names are read in any letter case',
    item: usage({ feature: 'Monte_Carlo_Run' }),
    expect: { kind: 'mapped', item: { feature_name: 'monte_carlo_run', feature_date_key: 'monte_carlo_run_2024-03-01' } },
  },

  // details / strategy / result as JSON string, map, or not JSON.
  {
    name: 'details as a JSON string become a map',
    item: action({ details: '{"track":"Monza","laps":53}' }),
    expect: { kind: 'mapped', item: { action_details: { track: 'Monza', laps: 53 } }, warnings: [] },
  },
  {
    name: 'details as a map stay a map',
    item: action({ details: { track: 'Monza' } }),
    expect: { kind: 'mapped', item: { action_details: { track: 'Monza' } } },
  },
  {
    name: 'details that are not valid JSON stay the string, with a warning',
    item: action({ details: '{"track": "Monza", "laps": 5' }),
    expect: { kind: 'mapped', item: { action_details: '{"track": "Monza", "laps": 5' }, warnings: [{ code: 'broken_json' }] },
  },
  {
    name: 'a strategy as a JSON string becomes a map',
    item: strategy({ strategy: '{"pit_stops":[{"lap":20}]}' }),
    expect: { kind: 'mapped', item: { strategy_data: { pit_stops: [{ lap: 20 }] } } },
  },
  {
    name: 'a result that is not valid JSON stays the string',
    item: strategy({ result: '[1, 2,' }),
    expect: { kind: 'mapped', item: { results: '[1, 2,' } },
  },

  // Track names.
  {
    name: 'track Monza maps to monza',
    item: strategy({ track: 'Monza' }),
    expect: { kind: 'mapped', item: { track_id: 'monza' } },
    absent: ['track_unresolved'],
  },
  {
    name: 'track Autodromo Nazionale Monza maps to monza',
    item: strategy({ track: 'Autodromo Nazionale Monza' }),
    expect: { kind: 'mapped', item: { track_id: 'monza' } },
  },
  {
    name: 'track monza in lower case maps to monza',
    item: strategy({ track: 'monza' }),
    expect: { kind: 'mapped', item: { track_id: 'monza' } },
  },
  { name: 'track China maps to shanghai', item: strategy({ track: 'China' }), expect: { kind: 'mapped', item: { track_id: 'shanghai' } } },
  {
    name: 'track Shanghai International Circuit maps to shanghai',
    item: strategy({ track: 'Shanghai International Circuit' }),
    expect: { kind: 'mapped', item: { track_id: 'shanghai' } },
  },
  { name: 'track Bahrain maps to sakhir', item: strategy({ track: 'Bahrain' }), expect: { kind: 'mapped', item: { track_id: 'sakhir' } } },
  {
    name: 'an unknown track keeps its raw name and is flagged',
    item: strategy({ track: 'Springfield Speedway' }),
    expect: { kind: 'mapped', item: { track_id: 'Springfield Speedway', track_unresolved: true }, warnings: [{ code: 'unknown_track' }] },
  },

  // Rejections: no user_id, unknown type, unparseable required timestamp.
  {
    name: 'a profile with no user_id is rejected',
    item: profile({ user_id: undefined }),
    expect: { kind: 'rejected', reason: 'missing_user_id', legacyId: `USER#${USER_ID}` },
  },
  {
    name: 'a usage item with no user_id is rejected',
    item: usage({ user_id: '' }),
    expect: { kind: 'rejected', reason: 'missing_user_id' },
  },
  {
    name: 'an action with no user_id is rejected',
    item: action({ user_id: null }),
    expect: { kind: 'rejected', reason: 'missing_user_id' },
  },
  {
    name: 'a strategy with no user_id is rejected',
    item: strategy({ user_id: undefined }),
    expect: { kind: 'rejected', reason: 'missing_user_id' },
  },
  {
    name: 'an item of an unknown type is rejected',
    item: { strategy_id: 'SESSION#u-1#1', type: 'session', user_id: 'u-1' },
    expect: { kind: 'rejected', reason: 'unknown_type', itemKind: 'unknown' },
  },
  {
    name: 'an item with no type is rejected',
    item: { strategy_id: 'X#1', user_id: 'u-1' },
    expect: { kind: 'rejected', reason: 'unknown_type' },
  },
  {
    name: 'an action whose timestamp does not parse is rejected',
    item: action({ timestamp: '31/12/2023' }),
    expect: { kind: 'rejected', reason: 'bad_timestamp' },
  },
  {
    name: 'a strategy whose created_at is missing is rejected',
    item: strategy({ created_at: undefined }),
    expect: { kind: 'rejected', reason: 'bad_timestamp' },
  },
  {
    name: 'a usage item whose date does not parse is rejected',
    item: usage({ date: '2023-02-30' }),
    expect: { kind: 'rejected', reason: 'bad_timestamp' },
  },
  {
    name: 'a profile whose subscription_end does not parse is rejected',
    item: profile({ subscription_end: 'next month' }),
    expect: { kind: 'rejected', reason: 'bad_timestamp' },
  },

  // Kinds and their aliases; the gateway's email locks.
  {
    name: 'a profile of type USER is a profile',
    item: profile({ type: 'USER' }),
    expect: { kind: 'mapped', table: 'subscriptions', itemKind: 'profile' },
  },
  {
    name: 'a profile of type profile is a profile',
    item: profile({ type: 'profile' }),
    expect: { kind: 'mapped', table: 'subscriptions' },
  },
  {
    name: 'an item of type action_log is an action',
    item: action({ type: 'action_log' }),
    expect: { kind: 'mapped', table: 'actions', itemKind: 'action' },
  },
  {
    name: 'an item of type simulation is a strategy',
    item: strategy({ type: 'simulation' }),
    expect: { kind: 'mapped', table: 'simulations', itemKind: 'strategy', item: { simulation_id: SIMULATION_ID } },
  },
  {
    name: 'an email lock is skipped as a known item, not rejected',
    item: { strategy_id: 'EMAIL#ada@example.com', type: 'email_lock', user_id: USER_ID, email: 'ada@example.com' },
    expect: { kind: 'skipped', reason: 'email_lock', itemKind: 'email_lock' },
  },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    const result = transformLegacyItem(c.item, ctx)
    const expected = { ...c.expect }
    const row = result.kind === 'mapped' ? (result.item as unknown as Record<string, unknown>) : undefined
    if (c.keyPrefix) {
      const key = String(row?.timestamp)
      t.ok(key.startsWith(c.keyPrefix) && /^[0-9a-f]{16}$/.test(key.slice(c.keyPrefix.length)), `sort key ${key}`)
    }
    const warnings = expected.warnings as Array<Record<string, unknown>> | undefined
    if (warnings && result.kind === 'mapped') {
      t.same(
        result.warnings.map((w) => w.code),
        warnings.map((w) => w.code),
        'warnings',
      )
      delete expected.warnings
    }
    t.hasStrict(result, expected)
    for (const key of c.absent ?? []) t.notOk(row && key in row, `${key} is absent`)
    if (row) {
      t.equal(row.migrated_from, (c.item as { strategy_id: string }).strategy_id, 'migrated_from is the legacy strategy_id')
      t.equal(row.migrated_at, NOW_ISO, 'migrated_at is the migration clock')
    }
  })
}

t.test('usage items of one user, feature and day in several spellings merge into one row adding their counts', async (t) => {
  const items = [
    usage({ strategy_id: `USAGE#${USER_ID}#simulations#2024-03-01`, feature: 'simulations', count: '4', date: '2024-03-01' }),
    usage({ strategy_id: `USAGE#${USER_ID}#SIM#2024-03-01`, feature: 'SIM', count: 5, date: 1709290800 }),
    usage({ strategy_id: `USAGE#${USER_ID}#Simulation_Run#2024-03-01`, feature: 'Simulation_Run', count: 6, date: '2024-03-01 18:00:00' }),
  ]
  const rows = items
    .map((item) => transformLegacyItem(item, ctx))
    .flatMap((r: ClassifiedResult) => (r.kind === 'mapped' && r.table === 'usage' ? [r.item] : []))
  const merged: UsageRow[] = mergeUsageRows(rows)
  t.equal(merged.length, 1)
  t.hasStrict(merged[0], {
    user_id: USER_ID,
    feature_date_key: 'simulation_run_2024-03-01',
    usage_count: 15,
    reset_date: '2024-03-02T00:00:00.000Z',
  })
  t.strictSame(merged[0]?.legacy_ids, items.map((item) => item.strategy_id as string).sort())
})

t.test(
  'profiles with the same email in different letter case: the earliest created is the account, the conflict is reported',
  async (t) => {
    const later = profile({ strategy_id: 'USER#u-later', user_id: 'u-later', email: 'Ada@Example.com', created_at: '2023-05-01 10:00:00' })
    const earlier = profile({ strategy_id: 'USER#u-early', user_id: 'u-early', email: 'ADA@EXAMPLE.COM', created_at: 1672531200 })
    const { accounts, conflicts } = resolveEmailConflicts([later, earlier])
    t.equal(accounts.get('ada@example.com')?.user_id, 'u-early')
    t.equal(conflicts.length, 1)
    t.hasStrict(conflicts[0], { email: 'ada@example.com', account: { user_id: 'u-early' } })
    t.strictSame(
      conflicts[0]?.others.map((other) => [other.user_id, other.email]),
      [['u-later', 'Ada@Example.com']],
    )
  },
)
