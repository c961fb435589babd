// Lazy backfill: when a user signs in or registers, their legacy items are migrated (through the
// user_id GSI) unless a marker says it was done. Idempotent and safe next to a bulk run: every
// write is conditional, usage counts are added once per legacy id, and the marker is written last,
// in a transaction that lets exactly one concurrent migration of the same user claim it. Only the
// kinds whose migration stage still reads legacy (fallback, shadow) are read and copied: a kind in
// new-only or retired has been verified complete in the new tables, and legacy is not read for it.
import { classifyLegacyItem } from '@f1/legacy/items'
import type { LegacyKind } from '@f1/legacy/kinds'
import { TARGET_TABLES, type TargetTable } from '@f1/legacy/result'
import { addCounters, emptyCounters } from '../lib/report.ts'
import type { LegacyRepository } from '../repositories/legacy.ts'
import type { UserMarkersRepository } from '../repositories/state/user-markers.ts'
import { rowId, type TargetsRepository } from '../repositories/targets.ts'
import { migrateBatch, type MigrateSettings } from './items.ts'

export interface LazyDeps extends MigrateSettings {
  legacy: LegacyRepository
  targets: TargetsRepository
  markers: UserMarkersRepository
  now: () => Date
  /** The kinds to copy (those whose stage still reads legacy); every kind when absent. */
  kinds?: ReadonlySet<TargetTable>
  /** Counts the legacy items read, per kind. */
  legacyRead?: (kind: TargetTable, count: number) => void
  /** The User Migrated outbox item, written with the marker: one event per migrated user. */
  migratedEvent: (written: Record<TargetTable, number>, rejected: number) => Parameters<UserMarkersRepository['putUserMarker']>[1]
}

export interface UserMigration {
  /**
   * migrated: this call claimed the marker; already_migrated: a marker existed; raced: another call
   * claimed it meanwhile; not_read: no kind reads legacy any more (no marker either, so a step back
   * to fallback migrates the user at their next sign-in).
   */
  status: 'migrated' | 'already_migrated' | 'raced' | 'not_read'
  /** Rows per table that now hold the user's legacy data (written now or found migrated before). */
  written: Record<TargetTable, number>
  /** The user's legacy items that cannot be mapped. */
  rejected: number
}

/** The new table each kind of legacy item moves to (the email locks stay: the gateway's own). */
export const TARGET_OF_KIND: Record<LegacyKind, TargetTable | undefined> = {
  profile: 'subscriptions',
  usage: 'usage',
  action: 'actions',
  strategy: 'simulations',
  email_lock: undefined,
}

const zeroWritten = () => Object.fromEntries(TARGET_TABLES.map((t) => [t, 0])) as Record<TargetTable, number>

/** Migrates one user's legacy items once; `eventId` names the event that caused it (kept on the marker). */
export async function migrateUser(deps: LazyDeps, userId: string, eventId: string): Promise<UserMigration> {
  const kinds = deps.kinds ?? new Set(TARGET_TABLES)
  if (kinds.size === 0) return { status: 'not_read', written: zeroWritten(), rejected: 0 }
  if (await deps.markers.hasUserMarker(userId)) return { status: 'already_migrated', written: zeroWritten(), rejected: 0 }
  const counters = emptyCounters()
  const rows = new Map<TargetTable, Set<string>>(TARGET_TABLES.map((t) => [t, new Set<string>()]))
  for await (const page of deps.legacy.userItemPages(userId)) {
    // The GSI lists every item carrying this user_id; items of other users never appear.
    const items = page.filter((item) => {
      const kind = TARGET_OF_KIND[classifyLegacyItem(item) ?? 'email_lock']
      return kind !== undefined && kinds.has(kind)
    })
    for (const kind of kinds) {
      const read = items.filter((item) => TARGET_OF_KIND[classifyLegacyItem(item) ?? 'email_lock'] === kind).length
      if (read > 0) deps.legacyRead?.(kind, read)
    }
    const batch = await migrateBatch(items, {
      targets: deps.targets,
      now: deps.now(),
      resolveTrack: deps.resolveTrack,
      retention: deps.retention,
    })
    addCounters(counters, batch.counters)
    for (const { op, result } of batch.writes) {
      if (result.outcome !== 'failed' && result.outcome !== 'kept_live') rows.get(op.table)?.add(rowId(op.table, op.item))
    }
  }
  const written = zeroWritten()
  for (const table of TARGET_TABLES) written[table] = rows.get(table)?.size ?? 0
  const rejected = Object.values(counters.kinds).reduce((n, kind) => n + Object.values(kind.rejected).reduce((a, b) => a + b, 0), 0)
  const claimed = await deps.markers.putUserMarker(
    { user_id: userId, migrated_at: deps.now().toISOString(), event_id: eventId, written, rejected },
    deps.migratedEvent(written, rejected),
  )
  return { status: claimed ? 'migrated' : 'raced', written, rejected }
}
