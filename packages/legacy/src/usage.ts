// Legacy usage items -> rows of f1-user-usage-dev, one per user, feature and UTC day; several legacy
// items of the same day (feature spelled differently) merge into one row whose count adds them up.
import { FEATURES, type FeatureName } from '@f1/contracts/common'
import { featureDateKey, utcDay } from '@f1/tables/keys'
import { describe, isAbsent, isRejected, normalizeName, readBase, readUserId } from './fields.ts'
import { mapped, rejected, type TransformResult, type UsageRow } from './result.ts'
import { nextUtcMidnight, parseLegacyCount, parseLegacyTimestamp, toIsoMs } from './timestamps.ts'

export interface UsageContext {
  now: Date
}

const FEATURE_ALIASES: ReadonlyMap<string, FeatureName> = new Map<string, FeatureName>([
  ...FEATURES.map((feature) => [feature, feature] as const),
  ['simulations', 'simulation_run'],
  ['sim', 'simulation_run'],
  ['mc', 'monte_carlo_run'],
])

/** The feature a legacy name means: the canonical names and `simulations`, `sim`, `mc`, in any letter case. */
export function parseLegacyFeature(raw: unknown): FeatureName | undefined {
  if (typeof raw !== 'string') return undefined
  return FEATURE_ALIASES.get(normalizeName(raw))
}

/**
 * The usage row of one legacy usage item: its feature (aliases, any case), the UTC day of `date`
 * (a bare `YYYY-MM-DD` or any legacy timestamp), its count (number or numeric string), and
 * legacy_ids = [its strategy_id]. Rejected: no or bad user_id, unknown or missing feature, a count
 * that is missing, negative, fractional or above MAX_LEGACY_COUNT, a date missing or unreadable.
 */
export function usageFromLegacyItem(raw: unknown, ctx: UsageContext): TransformResult<'usage'> {
  const base = readBase(raw)
  if (isRejected(base)) return base
  const { item, legacyId } = base
  const userId = readUserId(base)
  if (isRejected(userId)) return userId
  const feature = parseLegacyFeature(item.feature)
  if (!feature) return rejected('unknown_feature', `feature ${describe(item.feature)} is no known feature`, legacyId)
  const count = parseLegacyCount(item.count)
  if (count === undefined) return rejected('bad_count', `count ${describe(item.count)} is no count`, legacyId)
  if (isAbsent(item.date)) return rejected('bad_timestamp', 'date is missing', legacyId)
  const date = parseLegacyTimestamp(item.date)
  if (!date) return rejected('bad_timestamp', `date ${describe(item.date)} is no day`, legacyId)
  const day = utcDay(date)
  return mapped(
    'usage',
    {
      user_id: userId,
      feature_date_key: featureDateKey(feature, day),
      feature_name: feature,
      usage_count: count,
      reset_date: nextUtcMidnight(day),
      legacy_ids: [legacyId],
      migrated_from: legacyId,
      migrated_at: toIsoMs(ctx.now),
    },
    legacyId,
  )
}

/**
 * Usage rows grouped by user_id and feature_date_key: counts summed, legacy_ids united and sorted,
 * migrated_from the smallest legacy id, migrated_at the latest. Each input row is one unit of
 * counting (rows from usageFromLegacyItem carry one legacy id each): a row whose legacy_ids are all
 * counted in its group already is not added again, so feeding the same item twice changes nothing.
 * A row that overlaps the group only in part cannot be split and is added whole: merge per-item rows,
 * or merges of disjoint sets. Output sorted by user_id, then feature_date_key; inputs are not changed.
 */
export function mergeUsageRows(rows: Iterable<UsageRow>): UsageRow[] {
  const groups = new Map<string, { row: UsageRow; ids: Set<string> }>()
  for (const row of rows) {
    const key = `${row.user_id}\u0000${row.feature_date_key}`
    const group = groups.get(key)
    if (!group) {
      groups.set(key, { row: { ...row, legacy_ids: [...new Set(row.legacy_ids)] }, ids: new Set(row.legacy_ids) })
      continue
    }
    if (row.legacy_ids.every((id) => group.ids.has(id))) continue
    for (const id of row.legacy_ids) group.ids.add(id)
    group.row.usage_count += row.usage_count
    if (row.migrated_at > group.row.migrated_at) group.row.migrated_at = row.migrated_at
  }
  const merged: UsageRow[] = []
  for (const { row, ids } of groups.values()) {
    const legacyIds = [...ids].sort()
    merged.push({ ...row, legacy_ids: legacyIds, migrated_from: legacyIds[0] ?? row.migrated_from })
  }
  return merged.sort((a, b) => compare(a.user_id, b.user_id) || compare(a.feature_date_key, b.feature_date_key))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
