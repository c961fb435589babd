// What one mapped legacy item finds in its new table: the judgement the verify and the shadow
// comparisons of the lazy migration both make.
import { migratedUnchanged, rowDifferences } from '@f1/legacy/compare'
import type { TargetRow, WriteOp } from '../repositories/targets.ts'

export type RowVerdict =
  | { verdict: 'matching' }
  /** Written by live traffic, or changed by it since (a Stripe event): rightly not what legacy maps to. */
  | { verdict: 'kept_live' }
  | { verdict: 'missing'; detail: string }
  | { verdict: 'different'; diff: Record<string, { legacy: unknown; new: unknown }> }

const idsOf = (value: unknown): Set<string> => (value instanceof Set ? (value as Set<string>) : new Set())

/** Usage rows merge legacy items by day: a row agrees when it counts this item and holds its feature and day. */
const USAGE_FIELDS = ['feature_name', 'reset_date'] as const

export function compareRow(op: WriteOp, row: TargetRow | undefined): RowVerdict {
  if (op.table === 'usage') {
    if (!row || !idsOf(row.legacy_ids).has(op.legacyId)) {
      return { verdict: 'missing', detail: row ? 'the row does not count this legacy item' : 'no row' }
    }
    const diff = Object.fromEntries(
      USAGE_FIELDS.filter((key) => row[key] !== op.item[key]).map((key) => [key, { legacy: op.item[key], new: row[key] }]),
    )
    return Object.keys(diff).length > 0 ? { verdict: 'different', diff } : { verdict: 'matching' }
  }
  if (!row) return { verdict: 'missing', detail: 'no row' }
  if (!migratedUnchanged(row, op.legacyId)) return { verdict: 'kept_live' }
  const diff = rowDifferences(op.item, row)
  return Object.keys(diff).length > 0 ? { verdict: 'different', diff } : { verdict: 'matching' }
}

/** A difference as the verify report words it. */
export function describeDiff(diff: Record<string, { legacy: unknown; new: unknown }>): string {
  return Object.entries(diff)
    .map(([key, { legacy, new: found }]) =>
      legacy === undefined
        ? `${key}: not expected, found ${JSON.stringify(found)}`
        : `${key}: expected ${JSON.stringify(legacy)}, found ${JSON.stringify(found)}`,
    )
    .join('; ')
}
