// Migrating a batch of legacy items: transform each, write the mapped rows conditionally, count
// everything. Shared by the bulk backfill (one Scan page at a time) and the lazy migration (one
// user's items).
import { transformLegacyItem, type TransformContext } from '@f1/legacy/items'
import { resolveEmailConflicts } from '@f1/legacy/profiles'
import type { AnyMapped } from '@f1/legacy/result'
import { parseActionKey } from '@f1/tables/keys'
import { emptyCounters, recordOutcome, recordResult, type Counters } from '../lib/report.ts'
import { actionExpiry, usageExpiry, type RetentionPolicy } from '../lib/retention.ts'
import type { LegacyItem } from '../repositories/legacy.ts'
import type { EmailEntry } from '../repositories/state/emails.ts'
import type { TargetsRepository, WriteOp, WriteResult } from '../repositories/targets.ts'

export interface MigrateSettings {
  resolveTrack: TransformContext['resolveTrack']
  retention: RetentionPolicy
}

export interface MigrateBatchOptions extends MigrateSettings {
  /** Where rows go; undefined for a dry run (transform and count only). */
  targets: TargetsRepository | undefined
  /** Written as migrated_at. */
  now: Date
  signal?: AbortSignal | undefined
}

export interface MigratedBatch {
  counters: Counters
  /** Profiles' emails, for conflict detection over the whole table. */
  emails: EmailEntry[]
  writes: Array<{ op: WriteOp; result: WriteResult }>
}

/** The row to write for a mapped item, with its expiry where the table has a TTL (see retention.ts). */
export function writeOpFor(mapped: AnyMapped, retention: RetentionPolicy): WriteOp {
  switch (mapped.table) {
    case 'usage': {
      const row = mapped.item
      return {
        table: 'usage',
        legacyId: mapped.legacyId,
        item: { ...row, expires_at: usageExpiry(retention, row.reset_date, row.migrated_at) },
      }
    }
    case 'actions': {
      const row = mapped.item
      const { occurredAt } = parseActionKey(row.timestamp)
      return {
        table: 'actions',
        legacyId: mapped.legacyId,
        item: { ...row, expires_at: actionExpiry(retention, occurredAt, row.migrated_at) },
      }
    }
    default:
      return { table: mapped.table, legacyId: mapped.legacyId, item: { ...mapped.item } }
  }
}

/** A profile's email as conflict detection needs it, by the legacy package's own rules; undefined when it has none. */
export function emailEntryOf(raw: LegacyItem): EmailEntry | undefined {
  const [holder] = resolveEmailConflicts([raw]).accounts.values()
  if (!holder) return undefined
  const entry: EmailEntry = { user_id: holder.user_id, legacy_id: holder.legacy_id, email: holder.email }
  if (holder.created_at) entry.created_at = holder.created_at
  return entry
}

/** Transforms, writes (unless dry) and counts a batch of legacy items; the legacy items are never written. */
export async function migrateBatch(items: readonly LegacyItem[], options: MigrateBatchOptions): Promise<MigratedBatch> {
  const counters = emptyCounters()
  const ops: WriteOp[] = []
  const emails: EmailEntry[] = []
  for (const raw of items) {
    const result = transformLegacyItem(raw, { now: options.now, resolveTrack: options.resolveTrack })
    recordResult(counters, result)
    if (result.kind === 'mapped') ops.push(writeOpFor(result, options.retention))
    if (result.itemKind === 'profile') {
      const entry = emailEntryOf(raw)
      if (entry) emails.push(entry)
    }
  }
  const writes: MigratedBatch['writes'] = []
  if (options.targets && ops.length > 0) {
    const results = await options.targets.writeRows(ops, options.signal)
    for (const [i, op] of ops.entries()) {
      const result = results[i] as WriteResult
      recordOutcome(counters, op.table, result.outcome, op.legacyId, result.detail)
      writes.push({ op, result })
    }
  }
  return { counters, emails, writes }
}
