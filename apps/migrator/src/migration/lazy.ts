// Lazy backfill: when a user signs in or registers, their legacy items are migrated (through the
// user_id GSI) unless a marker says it was done. Idempotent and safe next to a bulk run: every
// write is conditional, usage counts are added once per legacy id, and the marker is written last,
// in a transaction that lets exactly one concurrent migration of the same user claim it.
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
  /** The User Migrated outbox item, written with the marker: one event per migrated user. */
  migratedEvent: (written: Record<TargetTable, number>, rejected: number) => Parameters<UserMarkersRepository['putUserMarker']>[1]
}

export interface UserMigration {
  /** migrated: this call claimed the marker; already_migrated: a marker existed; raced: another call claimed it meanwhile. */
  status: 'migrated' | 'already_migrated' | 'raced'
  /** Rows per table that now hold the user's legacy data (written now or found migrated before). */
  written: Record<TargetTable, number>
  /** The user's legacy items that cannot be mapped. */
  rejected: number
}

const zeroWritten = () => Object.fromEntries(TARGET_TABLES.map((t) => [t, 0])) as Record<TargetTable, number>

/** Migrates one user's legacy items once; `eventId` names the event that caused it (kept on the marker). */
export async function migrateUser(deps: LazyDeps, userId: string, eventId: string): Promise<UserMigration> {
  if (await deps.markers.hasUserMarker(userId)) return { status: 'already_migrated', written: zeroWritten(), rejected: 0 }
  const counters = emptyCounters()
  const rows = new Map<TargetTable, Set<string>>(TARGET_TABLES.map((t) => [t, new Set<string>()]))
  for await (const items of deps.legacy.userItemPages(userId)) {
    // The GSI lists every item carrying this user_id; items of other users never appear.
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
