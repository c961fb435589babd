// Random junk into every transform and parser: never a throw, always a well-formed result.
import t from 'tap'
import { actionFromLegacyItem } from '@f1/legacy/actions'
import { createRng, generateLegacyData, type Rng } from '@f1/legacy/generator'
import { classifyLegacyItem, transformLegacyItem, type ClassifiedResult } from '@f1/legacy/items'
import { legacyKindOf } from '@f1/legacy/kinds'
import { parseLegacyPlan, parseLegacyStatus } from '@f1/legacy/plans'
import { resolveEmailConflicts, subscriptionFromLegacyProfile } from '@f1/legacy/profiles'
import { REJECTION_REASONS, SKIP_REASONS, WARNING_CODES } from '@f1/legacy/result'
import { simulationFromLegacyItem } from '@f1/legacy/strategies'
import { parseLegacyCount, parseLegacyDuration, parseLegacyNumber, parseLegacyTimestamp, parseRaceClock } from '@f1/legacy/timestamps'
import { mergeUsageRows, parseLegacyFeature, usageFromLegacyItem } from '@f1/legacy/usage'
import { NOW, NOW_ISO, ctx } from './fixtures.ts'

const TRICKY_STRINGS = [
  '',
  ' ',
  '{',
  '[1,',
  '{"a":1}',
  '[]',
  'null',
  '12',
  '-1',
  '1e400',
  '1:27:14.117',
  '99:99:99',
  '2024-02-30',
  '2024-01-01 10:00:00',
  '2024-01-01T10:00:00+25:00',
  '1700000000',
  '1700000000000',
  '9'.repeat(40),
  'constructor',
  '__proto__',
  'toString',
  'premium',
  'Cancelled',
  'sim',
  'USER',
  'email_lock',
  'USER#x',
  'u 1',
  '\u0000',
  '💥',
  'x'.repeat(5000),
  '['.repeat(5000),
]
const TRICKY_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1e11,
  1e11 - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  1.5,
  -7,
  8.64e15,
]
const KEYS = [
  'strategy_id',
  'type',
  'user_id',
  'email',
  'created_at',
  'plan',
  'plan_id',
  'subscription_status',
  'stripe_customer_id',
  'stripe_subscription_id',
  'subscription_start',
  'subscription_end',
  'feature',
  'count',
  'date',
  'action',
  'details',
  'timestamp',
  'track',
  'strategy',
  'result',
  'total_time',
]
const TYPES = ['user', 'profile', 'USER', 'usage', 'action', 'action_log', 'strategy', 'simulation', 'email_lock', 'junk']

function junk(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, 15)) {
    case 0:
      return null
    case 1:
      return undefined
    case 2:
      return (rng.next() - 0.5) * 10 ** rng.int(0, 16)
    case 3:
      return rng.pick(TRICKY_NUMBERS)
    case 4:
      return Array.from({ length: rng.int(0, 12) }, () => String.fromCharCode(rng.int(0, 0xffff))).join('')
    case 5:
    case 6:
      return rng.pick(TRICKY_STRINGS)
    case 7:
      return rng.chance(0.5)
    case 8:
      return depth < 3 ? Array.from({ length: rng.int(0, 4) }, () => junk(rng, depth + 1)) : []
    case 9:
      return depth < 3
        ? Object.fromEntries(Array.from({ length: rng.int(0, 4) }, () => [rng.pick([...KEYS, 'x', '']), junk(rng, depth + 1)]))
        : {}
    case 10:
      return new Date(rng.chance(0.5) ? Number.NaN : rng.int(-1e12, 1e13))
    case 11:
      return Symbol('junk')
    case 12:
      return BigInt(rng.int(0, 1e9))
    case 13:
      return () => 1
    case 14: {
      const bare = Object.create(null) as Record<string, unknown>
      bare.strategy_id = 'BARE#1'
      bare.type = rng.pick(TYPES)
      bare.user_id = 'u-1'
      return bare
    }
    default:
      return rng.chance(0.5) ? new Map([['a', 1]]) : new Set([1])
  }
}

/** Mostly item-shaped junk: known keys with junk or plausible values. */
function junkItem(rng: Rng): unknown {
  if (rng.chance(0.15)) return junk(rng)
  const item: Record<string, unknown> = {}
  for (const key of KEYS) {
    if (!rng.chance(0.6)) continue
    if (key === 'strategy_id') item[key] = rng.chance(0.8) ? `JUNK#${rng.int(0, 1e6)}` : junk(rng)
    else if (key === 'type') item[key] = rng.chance(0.85) ? rng.pick(TYPES) : junk(rng)
    else if (key === 'user_id') item[key] = rng.chance(0.7) ? `u-${rng.int(0, 99)}` : junk(rng)
    else item[key] = junk(rng)
  }
  return item
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const TABLE_OF_KIND: Record<string, string> = { profile: 'subscriptions', usage: 'usage', action: 'actions', strategy: 'simulations' }

/** Returns the first problem with a result, or undefined. */
function problem(result: ClassifiedResult, raw: unknown): string | undefined {
  if (result.kind === 'rejected') {
    if (!REJECTION_REASONS.includes(result.reason)) return `reason ${result.reason}`
    return typeof result.detail === 'string' ? undefined : 'detail'
  }
  if (result.kind === 'skipped') return SKIP_REASONS.includes(result.reason) ? undefined : `skip ${result.reason}`
  if (result.kind !== 'mapped') return 'kind'
  const row = result.item as unknown as Record<string, unknown>
  if (TABLE_OF_KIND[result.itemKind] !== result.table) return `table ${result.table} for ${result.itemKind}`
  if (row.migrated_from !== (raw as { strategy_id: unknown }).strategy_id) return 'migrated_from'
  if (row.migrated_at !== NOW_ISO) return 'migrated_at'
  for (const [key, value] of Object.entries(row)) if (value === undefined) return `${key} is undefined`
  if (typeof row.user_id !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(row.user_id)) return 'user_id'
  for (const key of ['created_at', 'current_period_start', 'current_period_end', 'updated_from_event_at', 'reset_date']) {
    if (key in row && !ISO_MS.test(String(row[key]))) return `${key} ${String(row[key])}`
  }
  if (result.table === 'actions' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#legacy-[0-9a-f]{16}$/.test(result.item.timestamp))
    return 'timestamp'
  if (result.table === 'usage' && !(Number.isSafeInteger(result.item.usage_count) && result.item.usage_count >= 0)) return 'usage_count'
  if (result.table === 'simulations' && 'total_time' in row && !(Number.isFinite(row.total_time) && Number(row.total_time) >= 0))
    return 'total_time'
  for (const warning of result.warnings) if (!WARNING_CODES.includes(warning.code)) return `warning ${warning.code}`
  return undefined
}

t.test('20000 junk items through transformLegacyItem: no throw, every result well formed', async (t) => {
  const rng = createRng(20_000)
  const kinds: Record<string, number> = {}
  let bad = 0
  for (let i = 0; i < 20_000; i++) {
    const raw = junkItem(rng)
    const result = transformLegacyItem(raw, ctx)
    kinds[result.kind] = (kinds[result.kind] ?? 0) + 1
    const issue = problem(result, raw)
    if (issue && bad++ < 5)
      t.fail(`${issue}: ${String(JSON.stringify(raw, (_, v) => (typeof v === 'bigint' ? String(v) : v)))?.slice(0, 300)}`)
  }
  t.equal(bad, 0, 'no malformed result')
  t.ok((kinds.mapped ?? 0) > 0 && (kinds.rejected ?? 0) > 0 && (kinds.skipped ?? 0) > 0, `all outcomes reached: ${JSON.stringify(kinds)}`)
})

t.test('generated items with attributes swapped for junk: no throw, every result well formed', async (t) => {
  const rng = createRng(77)
  const items = [...generateLegacyData({ users: 1500, seed: 77 })]
  let bad = 0
  for (const item of items) {
    const raw: Record<string, unknown> = { ...item }
    const keys = Object.keys(raw)
    for (let n = rng.int(1, 3); n > 0; n--) raw[rng.pick(keys)] = junk(rng)
    const result = transformLegacyItem(raw, ctx)
    const issue = problem(result, raw)
    if (issue && bad++ < 5) t.fail(`${issue}: ${item.strategy_id}`)
  }
  t.equal(bad, 0, `no malformed result over ${items.length} items`)
})

t.test('every transform and parser takes any value without throwing', async (t) => {
  const rng = createRng(5)
  const sctx = { now: NOW, resolveTrack: ctx.resolveTrack }
  const fns: Array<(value: unknown) => unknown> = [
    (v) => subscriptionFromLegacyProfile(v, sctx),
    (v) => usageFromLegacyItem(v, sctx),
    (v) => actionFromLegacyItem(v, sctx),
    (v) => simulationFromLegacyItem(v, sctx),
    classifyLegacyItem,
    legacyKindOf,
    parseLegacyTimestamp,
    parseLegacyNumber,
    parseLegacyCount,
    parseLegacyDuration,
    parseRaceClock,
    parseLegacyPlan,
    parseLegacyStatus,
    parseLegacyFeature,
  ]
  let calls = 0
  for (let i = 0; i < 3000; i++) {
    const value = rng.chance(0.5) ? junk(rng) : junkItem(rng)
    for (const fn of fns) {
      fn(value)
      calls += 1
    }
  }
  t.equal(calls, 3000 * fns.length)
  const values = Array.from({ length: 2000 }, () => junkItem(rng))
  t.doesNotThrow(() => resolveEmailConflicts(values))
})

t.test('merging usage rows fed in any order, each item several times, counts each legacy id once', async (t) => {
  const rng = createRng(9)
  const rows = []
  for (let i = 0; i < 1500; i++) {
    const item = {
      strategy_id: `USAGE#${i}`,
      type: 'usage',
      user_id: `u-${rng.int(0, 3)}`,
      feature: rng.pick(['sim', 'mc', 'SIM', junk(rng)]),
      count: rng.pick([1, '2', junk(rng)]),
      date: rng.pick(['2024-03-01', 1709290800, '2024-03-02 10:00:00', junk(rng)]),
    }
    const result = usageFromLegacyItem(item, { now: NOW })
    if (result.kind === 'mapped') rows.push(result.item)
  }
  const fed = rows.flatMap((row) => Array.from({ length: rng.int(1, 4) }, () => row))
  for (let i = fed.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[fed[i], fed[j]] = [fed[j]!, fed[i]!]
  }
  const merged = mergeUsageRows(fed)
  const ids = merged.flatMap((row) => row.legacy_ids)
  t.ok(rows.length > 100, `${rows.length} rows mapped`)
  t.strictSame([...ids].sort(), rows.map((row) => row.legacy_ids[0]).sort(), 'every legacy id in exactly one row, once')
  t.equal(
    merged.reduce((sum, row) => sum + row.usage_count, 0),
    rows.reduce((sum, row) => sum + row.usage_count, 0),
    'the total is the sum over distinct items',
  )
  t.strictSame(mergeUsageRows(rows), merged, 'the same as merging each item once')
})
