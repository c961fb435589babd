// One entry point for any legacy item: classify it by `type` and run the transform of its kind.
import { actionFromLegacyItem } from './actions.ts'
import { describe, isRecord, isRejected, readBase } from './fields.ts'
import { legacyKindOf, type LegacyKind } from './kinds.ts'
import { subscriptionFromLegacyProfile } from './profiles.ts'
import { rejected, skipped, type LegacyResult } from './result.ts'
import { simulationFromLegacyItem, type StrategyContext } from './strategies.ts'
import { usageFromLegacyItem } from './usage.ts'

/** What every transform needs: the migration's clock and the track catalog. */
export type TransformContext = StrategyContext

/** A transform's result with the kind of item it came from (`unknown` for non-items and unknown types). */
export type ClassifiedResult = LegacyResult & { itemKind: LegacyKind | 'unknown' }

/** The kind of a legacy item by its `type`, or undefined when it is no item or of an unknown type. */
export function classifyLegacyItem(raw: unknown): LegacyKind | undefined {
  return isRecord(raw) ? legacyKindOf(raw.type) : undefined
}

/**
 * Classifies a legacy item and maps it: profiles to `subscriptions`, usage to `usage` (one row per
 * item; merge with mergeUsageRows), actions to `actions`, strategies to `simulations`. Email locks are
 * skipped (`email_lock`); non-objects, items without strategy_id and unknown types are rejected.
 * Pure and total: never throws on data.
 */
export function transformLegacyItem(raw: unknown, ctx: TransformContext): ClassifiedResult {
  const base = readBase(raw)
  if (isRejected(base)) return { ...base, itemKind: 'unknown' }
  const itemKind = legacyKindOf(base.item.type)
  const result = dispatch(itemKind, raw, base.legacyId, ctx)
  return { ...result, itemKind: itemKind ?? 'unknown' }
}

function dispatch(kind: LegacyKind | undefined, raw: unknown, legacyId: string, ctx: TransformContext): LegacyResult {
  switch (kind) {
    case 'profile':
      return subscriptionFromLegacyProfile(raw, ctx)
    case 'usage':
      return usageFromLegacyItem(raw, ctx)
    case 'action':
      return actionFromLegacyItem(raw, ctx)
    case 'strategy':
      return simulationFromLegacyItem(raw, ctx)
    case 'email_lock':
      return skipped('email_lock', 'the gateway email uniqueness marker', legacyId)
    case undefined: {
      const type = isRecord(raw) ? raw.type : undefined
      return rejected('unknown_type', `type ${describe(type)} is no legacy item kind`, legacyId)
    }
  }
}
