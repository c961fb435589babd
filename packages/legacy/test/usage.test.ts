import t from 'tap'
import type { UsageRow } from '@f1/legacy/result'
import { mergeUsageRows, parseLegacyFeature, usageFromLegacyItem } from '@f1/legacy/usage'
import { NOW, NOW_ISO, USER_ID, usage } from './fixtures.ts'

const map = (item: unknown) => usageFromLegacyItem(item, { now: NOW })

const features: Array<[unknown, string | undefined]> = [
  ['simulation_run', 'simulation_run'],
  ['SIMULATION_RUN', 'simulation_run'],
  ['simulations', 'simulation_run'],
  ['Sim', 'simulation_run'],
  ['mc', 'monte_carlo_run'],
  ['MC', 'monte_carlo_run'],
  ['monte-carlo-run', 'monte_carlo_run'],
  ['Strategy_Compare', 'strategy_compare'],
  [' api_request ', 'api_request'],
  ['simulation', undefined],
  ['pdf_export', undefined],
  ['', undefined],
  ['toString', undefined],
  [7, undefined],
]

for (const [raw, expected] of features) {
  t.test(`feature ${JSON.stringify(raw)} is ${expected ?? 'unknown'}`, async (t) => {
    t.equal(parseLegacyFeature(raw), expected)
  })
}

t.test('a usage item maps to its feature, UTC day, count and next midnight, listing its legacy id', async (t) => {
  t.strictSame(map(usage()), {
    kind: 'mapped',
    table: 'usage',
    legacyId: `USAGE#${USER_ID}#simulation_run#2024-03-01`,
    warnings: [],
    item: {
      user_id: USER_ID,
      feature_date_key: 'simulation_run_2024-03-01',
      feature_name: 'simulation_run',
      usage_count: 3,
      reset_date: '2024-03-02T00:00:00.000Z',
      legacy_ids: [`USAGE#${USER_ID}#simulation_run#2024-03-01`],
      migrated_from: `USAGE#${USER_ID}#simulation_run#2024-03-01`,
      migrated_at: NOW_ISO,
    },
  })
})

const dates: Array<[string, unknown, string]> = [
  ['a bare day', '2024-12-31', 'simulation_run_2024-12-31'],
  ['the last millisecond of a day', '2024-12-31T23:59:59.999Z', 'simulation_run_2024-12-31'],
  ['an instant with an offset, by its UTC day', '2025-01-01T01:00:00+02:00', 'simulation_run_2024-12-31'],
  ['epoch seconds', 1735689599, 'simulation_run_2024-12-31'],
  ['epoch milliseconds as a string', '1735689600000', 'simulation_run_2025-01-01'],
]

for (const [name, date, key] of dates) {
  t.test(`the day of a usage item dated by ${name} is its UTC day`, async (t) => {
    t.hasStrict(map(usage({ date })), { kind: 'mapped', item: { feature_date_key: key } })
  })
}

const rejections: Array<[string, Record<string, unknown>, string]> = [
  ['an unknown feature', { feature: 'pdf_export' }, 'unknown_feature'],
  ['a missing feature', { feature: undefined }, 'unknown_feature'],
  ['a count in words', { count: 'lots' }, 'bad_count'],
  ['a negative count', { count: -3 }, 'bad_count'],
  ['a fractional count', { count: '2.5' }, 'bad_count'],
  ['a missing count', { count: undefined }, 'bad_count'],
  ['a missing date', { date: undefined }, 'bad_timestamp'],
  ['a date that is no day', { date: 'N/A' }, 'bad_timestamp'],
  ['no user_id', { user_id: undefined }, 'missing_user_id'],
]

for (const [name, overrides, reason] of rejections) {
  t.test(`a usage item with ${name} is rejected as ${reason}`, async (t) => {
    t.hasStrict(map(usage(overrides)), { kind: 'rejected', reason })
  })
}

t.test('a count of zero is kept', async (t) => {
  t.hasStrict(map(usage({ count: '0' })), { kind: 'mapped', item: { usage_count: 0 } })
})

function row(legacyId: string, count: number, overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    user_id: USER_ID,
    feature_date_key: 'simulation_run_2024-03-01',
    feature_name: 'simulation_run',
    usage_count: count,
    reset_date: '2024-03-02T00:00:00.000Z',
    legacy_ids: [legacyId],
    migrated_from: legacyId,
    migrated_at: NOW_ISO,
    ...overrides,
  }
}

t.test('merging adds the counts of one day and lists every legacy id once, sorted', async (t) => {
  const merged = mergeUsageRows([row('USAGE#b', 2), row('USAGE#a', 3), row('USAGE#c', 4, { migrated_at: '2025-07-02T00:00:00.000Z' })])
  t.equal(merged.length, 1)
  t.hasStrict(merged[0], { usage_count: 9, migrated_from: 'USAGE#a', migrated_at: '2025-07-02T00:00:00.000Z' })
  t.strictSame(merged[0]?.legacy_ids, ['USAGE#a', 'USAGE#b', 'USAGE#c'])
})

t.test('merging the same legacy item twice counts it once', async (t) => {
  const merged = mergeUsageRows([row('USAGE#a', 3), row('USAGE#b', 2), row('USAGE#a', 3)])
  t.equal(merged[0]?.usage_count, 5)
  t.strictSame(merged[0]?.legacy_ids, ['USAGE#a', 'USAGE#b'])
})

t.test('merging merged rows again changes nothing', async (t) => {
  const once = mergeUsageRows([row('USAGE#a', 3), row('USAGE#b', 2), row('USAGE#c', 1, { feature_date_key: 'simulation_run_2024-03-02' })])
  t.strictSame(mergeUsageRows([...once, ...once]), once)
})

t.test('other days, features and users stay apart, sorted by user and key', async (t) => {
  const merged = mergeUsageRows([
    row('USAGE#4', 1, { user_id: 'u-2' }),
    row('USAGE#3', 1, { feature_date_key: 'monte_carlo_run_2024-03-01', feature_name: 'monte_carlo_run' }),
    row('USAGE#2', 1, { feature_date_key: 'simulation_run_2024-03-02' }),
    row('USAGE#1', 1),
  ])
  t.strictSame(
    merged.map((r) => [r.user_id, r.feature_date_key, r.usage_count]),
    [
      [USER_ID, 'monte_carlo_run_2024-03-01', 1],
      [USER_ID, 'simulation_run_2024-03-01', 1],
      [USER_ID, 'simulation_run_2024-03-02', 1],
      ['u-2', 'simulation_run_2024-03-01', 1],
    ],
  )
})

t.test('the merge does not depend on input order and does not change its inputs', async (t) => {
  const rows = [row('USAGE#c', 4), row('USAGE#a', 3), row('USAGE#b', 2), row('USAGE#d', 1, { user_id: 'u-0' })]
  const before = structuredClone(rows)
  const forward = mergeUsageRows(rows)
  t.strictSame(mergeUsageRows([...rows].reverse()), forward)
  t.strictSame(rows, before)
})
