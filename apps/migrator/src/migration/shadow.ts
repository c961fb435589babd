// Shadow comparisons for the kinds only the lazy migration reads from legacy (usage, actions,
// simulations: no request reads them there). On a sampled sign-in of a user migrated before, while
// the kind is in `shadow`, the user's legacy items of the kind are read again, mapped with the
// migration's transforms and compared with their rows as the verify does (compare-row.ts); each
// item's outcome is recorded. Subscriptions are compared where they are read, in subscription-service.
import type { ShadowOutcome } from '@f1/contracts/migration-stages'
import { classifyLegacyItem, transformLegacyItem } from '@f1/legacy/items'
import type { TargetTable } from '@f1/legacy/result'
import type { MismatchSample } from '@f1/tables/migration-stages'
import { rowId, type WriteOp } from '../repositories/targets.ts'
import { compareRow } from './compare-row.ts'
import { writeOpFor } from './items.ts'
import { TARGET_OF_KIND, type LazyDeps } from './lazy.ts'

export interface ShadowDeps extends Pick<LazyDeps, 'legacy' | 'targets' | 'now' | 'resolveTrack' | 'retention'> {
  compared(kind: TargetTable, outcome: ShadowOutcome, sample?: MismatchSample): void
  legacyRead(kind: TargetTable, count: number): void
}

/** Compares `userId`'s legacy items of `kinds` with their rows; resolves with how many were compared. */
export async function compareUserWithLegacy(deps: ShadowDeps, userId: string, kinds: ReadonlySet<TargetTable>): Promise<number> {
  let compared = 0
  for await (const page of deps.legacy.userItemPages(userId)) {
    const byTable = new Map<TargetTable, WriteOp[]>()
    for (const raw of page) {
      const kind = TARGET_OF_KIND[classifyLegacyItem(raw) ?? 'email_lock']
      if (!kind || !kinds.has(kind)) continue
      deps.legacyRead(kind, 1)
      const result = transformLegacyItem(raw, { now: deps.now(), resolveTrack: deps.resolveTrack })
      if (result.kind !== 'mapped') continue
      const op = writeOpFor(result, deps.retention)
      byTable.set(op.table, [...(byTable.get(op.table) ?? []), op])
    }
    for (const [table, ops] of byTable) {
      const rows = await deps.targets.getRows(
        table,
        ops.map((op) => op.item),
      )
      for (const op of ops) {
        const found = compareRow(op, rows.get(rowId(table, op.item)))
        if (found.verdict === 'kept_live') continue
        compared += 1
        if (found.verdict === 'matching') deps.compared(table, 'match')
        else if (found.verdict === 'missing') deps.compared(table, 'legacy_only')
        else deps.compared(table, 'mismatch', { userId, diff: found.diff })
      }
    }
  }
  return compared
}
