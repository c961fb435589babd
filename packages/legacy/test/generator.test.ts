import { createHash } from 'node:crypto'
import t from 'tap'
import {
  DEFECT_NAMES,
  TIMESTAMP_FORMATS,
  emptyTally,
  generateLegacyData,
  type ExpectedOutcome,
  type LegacyItem,
  type LegacyRates,
} from '@f1/legacy/generator'
import { classifyLegacyItem, transformLegacyItem } from '@f1/legacy/items'
import { resolveEmailConflicts } from '@f1/legacy/profiles'
import type { UsageRow } from '@f1/legacy/result'
import { mergeUsageRows } from '@f1/legacy/usage'
import { ctx } from './fixtures.ts'

function digest(items: Iterable<LegacyItem>): string {
  const hash = createHash('sha256')
  for (const item of items) hash.update(JSON.stringify(item)).update('\n')
  return hash.digest('hex')
}

/** What transforming the items really gives, counted the way the tally counts its expectations. */
function migrate(items: LegacyItem[]): ExpectedOutcome {
  const outcome = emptyTally().expected
  const usageRows: UsageRow[] = []
  for (const item of items) {
    const result = transformLegacyItem(item, ctx)
    if (result.kind === 'rejected') outcome.rejected[result.reason] += 1
    else if (result.kind === 'skipped') outcome.skipped[result.reason] += 1
    else {
      outcome.mapped[result.table] += 1
      for (const warning of result.warnings) outcome.warnings[warning.code] += 1
      if (result.table === 'usage') usageRows.push(result.item)
      else outcome.rows[result.table] += 1
    }
  }
  const merged = mergeUsageRows(usageRows)
  outcome.rows.usage = merged.length
  outcome.usageCount = merged.reduce((sum, row) => sum + row.usage_count, 0)
  outcome.emailConflicts = resolveEmailConflicts(items).conflicts.length
  return outcome
}

t.test('the same seed gives the same items and tally', async (t) => {
  const a = generateLegacyData({ users: 300, seed: 42 })
  const b = generateLegacyData({ users: 300, seed: 42 })
  t.equal(digest(a), digest(b))
  t.strictSame(a.tally, b.tally)
})

t.test('another seed gives other items; a string seed is as deterministic', async (t) => {
  t.not(digest(generateLegacyData({ users: 50, seed: 1 })), digest(generateLegacyData({ users: 50, seed: 2 })))
  t.equal(digest(generateLegacyData({ users: 50, seed: 'demo' })), digest(generateLegacyData({ users: 50, seed: 'demo' })))
  t.not(digest(generateLegacyData({ users: 50, seed: 'demo' })), digest(generateLegacyData({ users: 50, seed: 'demo2' })))
})

t.test("a user's items do not depend on how many users are generated", async (t) => {
  const few = [...generateLegacyData({ users: 20, seed: 9 })]
  const many = [...generateLegacyData({ users: 200, seed: 9 })].slice(0, few.length)
  t.equal(digest(many), digest(few))
})

t.test('items come lazily: the first of ten million users arrive at once, memory stays flat', async (t) => {
  const data = generateLegacyData({ users: 10_000_000, seed: 3 })
  const first: LegacyItem[] = []
  for (const item of data) {
    first.push(item)
    if (first.length === 5) break
  }
  t.equal(first.length, 5)
  t.ok(data.tally.users <= 1, 'at most one user was generated')
})

t.test('the tally counts whole users only and is returned when the generator ends', async (t) => {
  const data = generateLegacyData({ users: 10, seed: 5 })
  let seen = 0
  let step = data.next()
  while (!step.done) {
    seen += 1
    t.ok(data.tally.items <= seen, 'never ahead of what was yielded')
    step = data.next()
  }
  t.equal(step.value, data.tally)
  t.equal(data.tally.users, 10)
  t.equal(data.tally.items, seen)
})

t.test('every strategy_id is unique', async (t) => {
  const ids = new Set<string>()
  let count = 0
  for (const item of generateLegacyData({ users: 3000, seed: 11, rates: { duplicateUsage: 1, unknownFeature: 0.3, emailConflict: 1 } })) {
    ids.add(item.strategy_id)
    count += 1
  }
  t.equal(ids.size, count)
})

t.test('with the default rates every kind, every defect and every timestamp format occurs', async (t) => {
  const data = generateLegacyData({ users: 1500, seed: 2024 })
  const kinds: Record<string, number> = {}
  for (const item of data) {
    const kind = classifyLegacyItem(item) ?? 'unknown'
    kinds[kind] = (kinds[kind] ?? 0) + 1
  }
  t.strictSame(kinds, data.tally.byKind, 'the tally counts the kinds the classifier sees')
  for (const [kind, n] of Object.entries(data.tally.byKind)) t.ok(n > 0, `kind ${kind} occurs (${n})`)
  for (const defect of DEFECT_NAMES) t.ok(data.tally.defects[defect] > 0, `defect ${defect} occurs (${data.tally.defects[defect]})`)
  for (const format of TIMESTAMP_FORMATS) t.ok(data.tally.timestampFormats[format] > 0, `format ${format} occurs`)
})

const NO_DEFECTS = Object.fromEntries(DEFECT_NAMES.map((name) => [name, 0])) as unknown as LegacyRates
const rateSets: Array<[string, Partial<LegacyRates>, number]> = [
  ['the default rates', {}, 2000],
  ['no defects at all', NO_DEFECTS, 500],
  [
    'heavy defects everywhere',
    {
      altTimestampFormat: 1,
      stringNumber: 0.8,
      raceClock: 0.5,
      planAlias: 0.8,
      nameCase: 0.8,
      cancelledSpelling: 1,
      featureAlias: 0.8,
      duplicateUsage: 0.8,
      jsonString: 0.4,
      brokenJson: 0.4,
      unknownTrack: 0.5,
      typeAlias: 1,
      emailConflict: 0.5,
      emailLock: 0.5,
      missingUserId: 0.15,
      unknownType: 0.5,
      badTimestamp: 0.15,
      unknownPlan: 0.2,
      unknownStatus: 0.2,
      unknownFeature: 0.2,
      badCount: 0.2,
    },
    800,
  ],
  ['every item missing its user_id', { missingUserId: 1 }, 200],
  ['every timestamp garbage', { badTimestamp: 1 }, 200],
  ['every profile on an unknown plan and every usage item on an unknown feature', { unknownPlan: 1, unknownFeature: 1 }, 200],
  ['every paid profile in an unknown status and every count bad', { unknownStatus: 1, badCount: 1 }, 200],
]

for (const [name, rates, users] of rateSets) {
  t.test(`with ${name}, the transforms give exactly the outcome the tally expects`, async (t) => {
    const data = generateLegacyData({ users, seed: `outcome-${name}`, rates })
    const items = [...data]
    t.strictSame(migrate(items), data.tally.expected)
    t.equal(items.length, data.tally.items)
  })
}

t.test('with no defects nothing is rejected and every timestamp is ISO ms Z (usage dates: a bare day)', async (t) => {
  const data = generateLegacyData({ users: 300, seed: 1, rates: NO_DEFECTS })
  const odd: string[] = []
  for (const item of data) {
    for (const key of ['created_at', 'timestamp', 'subscription_start', 'subscription_end']) {
      if (key in item && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(String(item[key]))) odd.push(`${item.strategy_id} ${key}`)
    }
    if (item.type === 'usage' && !/^\d{4}-\d{2}-\d{2}$/.test(String(item.date))) odd.push(`${item.strategy_id} date`)
  }
  t.strictSame(odd, [], 'every timestamp in the canonical format')
  t.strictSame(Object.values(data.tally.expected.rejected), Object.values(emptyTally().expected.rejected))
  t.equal(
    data.tally.timestampFormats.iso_ms_z + data.tally.timestampFormats.day,
    Object.values(data.tally.timestampFormats).reduce((a, b) => a + b),
  )
})

t.test('a rejecting rate of 1 rejects every item it applies to', async (t) => {
  const data = generateLegacyData({ users: 100, seed: 8, rates: { missingUserId: 1, unknownType: 0, emailLock: 0, emailConflict: 0 } })
  const outcomes = new Set<string>()
  let count = 0
  for (const item of data) {
    const result = transformLegacyItem(item, ctx)
    outcomes.add(result.kind === 'rejected' ? result.reason : result.kind)
    count += 1
  }
  t.ok(count > 100, `${count} items`)
  t.strictSame([...outcomes], ['missing_user_id'])
})

t.test('shape means drive the volume', async (t) => {
  const none = generateLegacyData({
    users: 100,
    seed: 4,
    shape: { usageDaysPerUser: 0, actionsPerUser: 0, strategiesPerUser: 0 },
    rates: NO_DEFECTS,
  })
  for (const _ of none);
  t.equal(none.tally.items, 100, 'only the profiles')
  const paid = generateLegacyData({ users: 200, seed: 4, shape: { paidShare: 1 }, rates: NO_DEFECTS })
  for (const _ of paid);
  t.equal(paid.tally.expected.mapped.subscriptions, 200, 'every profile has a subscription')
})

t.test('invalid options throw a RangeError at once', async (t) => {
  t.throws(() => generateLegacyData({ users: -1, seed: 1 }), RangeError)
  t.throws(() => generateLegacyData({ users: 1.5, seed: 1 }), RangeError)
  t.throws(() => generateLegacyData({ users: 1, seed: 1, rates: { brokenJson: 2 } }), RangeError)
  t.throws(() => generateLegacyData({ users: 1, seed: 1, rates: { nameCase: Number.NaN } }), RangeError)
  t.throws(() => generateLegacyData({ users: 1, seed: 1, shape: { from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' } }), RangeError)
  t.throws(() => generateLegacyData({ users: 1, seed: 1, shape: { actionsPerUser: -1 } }), RangeError)
})
