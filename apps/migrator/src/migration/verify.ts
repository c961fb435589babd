// verify: compares the legacy table with the new tables and reports every difference with its
// legacy id. Two passes, each a parallel Scan with bounded memory:
//  1. legacy -> new: every item that maps must have its row (missing), and a row migrated from it
//     must hold what the transform gives (different); a row written by live traffic under the same
//     key was rightly kept and is counted, not reported;
//  2. new -> legacy: every row that says it came from legacy must come from a legacy item that maps
//     to it (extra), and a usage row's migrated_count must be the sum of its legacy ids' counts.
// Rejected and skipped legacy items are expected and never differences.
import { transformLegacyItem } from '@f1/legacy/items'
import { TARGET_TABLES, type TargetTable } from '@f1/legacy/result'
import { Pacer } from '../lib/pacer.ts'
import { createLegacyRepository } from '../repositories/legacy.ts'
import { createTargetsRepository, rowId, type TargetRow, type WriteOp } from '../repositories/targets.ts'
import type { BackfillDeps } from './backfill.ts'
import { compareRow, describeDiff } from './compare-row.ts'
import { writeOpFor } from './items.ts'

export type DifferenceType = 'missing' | 'different' | 'extra'

export interface Difference {
  type: DifferenceType
  table: TargetTable
  /** The legacy strategy_id concerned (for an extra row: the id the row names). */
  legacy_id: string
  /** The new table's row, `table:pk/sk`. */
  row: string
  detail: string
}

export interface VerifyReport {
  agree: boolean
  legacy: { read: number; mapped: number; rejected: number; skipped: number }
  /** Per table: rows checked from legacy, matching, kept live data, rows scanned that came from legacy. */
  tables: Record<TargetTable, { expected: number; matching: number; kept_live: number; migrated_rows: number }>
  differences: Record<DifferenceType, number>
}

/** legacy: legacy items checked against the new tables; migrated: rows that came from legacy checked against it. */
export type VerifyPass = 'legacy' | 'migrated'

export interface VerifyOptions {
  segments: number
  pageSize: number
  /** Called for every difference as it is found (the CLI prints it). */
  onDifference: (difference: Difference) => void
  /** Called after every page with the counts so far (a verify run over HTTP records them). */
  onPage?: (report: Readonly<VerifyReport>, pass: VerifyPass) => void
  /** Stops the verify after the pages in progress: it then rejects with the signal's reason. */
  signal?: AbortSignal
}

const idsOf = (value: unknown): Set<string> => (value instanceof Set ? (value as Set<string>) : new Set())

export async function runVerify(deps: Omit<BackfillDeps, 'leaseMs'>, options: VerifyOptions): Promise<VerifyReport> {
  const readPacer = new Pacer({ concurrency: Math.max(8, options.segments * 2) })
  const legacy = createLegacyRepository({ doc: deps.clients.doc, client: deps.clients.client, tableName: deps.names.legacy, readPacer })
  const targets = createTargetsRepository({ doc: deps.clients.doc, names: deps.names, writePacer: readPacer, readPacer, batchSize: 1 })
  const now = new Date()
  const ctx = { now, resolveTrack: deps.resolveTrack }
  const report: VerifyReport = {
    agree: true,
    legacy: { read: 0, mapped: 0, rejected: 0, skipped: 0 },
    tables: Object.fromEntries(
      TARGET_TABLES.map((t) => [t, { expected: 0, matching: 0, kept_live: 0, migrated_rows: 0 }]),
    ) as VerifyReport['tables'],
    differences: { missing: 0, different: 0, extra: 0 },
  }
  const differ = (difference: Difference) => {
    report.agree = false
    report.differences[difference.type] += 1
    options.onDifference(difference)
  }

  async function checkLegacyPage(items: Array<Record<string, unknown>>): Promise<void> {
    const byTable = new Map<TargetTable, WriteOp[]>()
    for (const raw of items) {
      report.legacy.read += 1
      const result = transformLegacyItem(raw, ctx)
      if (result.kind === 'rejected') report.legacy.rejected += 1
      else if (result.kind === 'skipped') report.legacy.skipped += 1
      else {
        report.legacy.mapped += 1
        const op = writeOpFor(result, deps.retention)
        byTable.set(op.table, [...(byTable.get(op.table) ?? []), op])
      }
    }
    for (const [table, ops] of byTable) {
      const rows = await targets.getRows(
        table,
        ops.map((op) => op.item),
      )
      const counts = report.tables[table]
      for (const op of ops) {
        counts.expected += 1
        const id = rowId(table, op.item)
        const found = compareRow(op, rows.get(id))
        if (found.verdict === 'matching') counts.matching += 1
        else if (found.verdict === 'kept_live') counts.kept_live += 1
        else if (found.verdict === 'missing') differ({ type: 'missing', table, legacy_id: op.legacyId, row: id, detail: found.detail })
        else differ({ type: 'different', table, legacy_id: op.legacyId, row: id, detail: describeDiff(found.diff) })
      }
    }
  }

  async function checkMigratedPage(table: TargetTable, rows: TargetRow[]): Promise<void> {
    const ids = rows.flatMap((row) => (table === 'usage' ? [...idsOf(row.legacy_ids)] : [String(row.migrated_from)]))
    const items = await legacy.getItems(ids)
    for (const row of rows) {
      report.tables[table].migrated_rows += 1
      const id = rowId(table, row)
      const legacyIds = table === 'usage' ? [...idsOf(row.legacy_ids)].sort() : [String(row.migrated_from)]
      let legacySum = 0
      for (const legacyId of legacyIds) {
        const raw = items.get(legacyId)
        if (!raw) {
          differ({ type: 'extra', table, legacy_id: legacyId, row: id, detail: 'the row names a legacy item that does not exist' })
          continue
        }
        const result = transformLegacyItem(raw, ctx)
        const target = result.kind === 'mapped' ? writeOpFor(result, deps.retention) : undefined
        if (!target || target.table !== table || rowId(table, target.item) !== id) {
          const where = target ? `maps to ${rowId(target.table, target.item)}` : `is ${result.kind}`
          differ({ type: 'extra', table, legacy_id: legacyId, row: id, detail: `the legacy item ${where}` })
          continue
        }
        legacySum += Number(target.item.usage_count ?? 0)
      }
      if (table === 'usage') {
        const migrated = Number(row.migrated_count)
        const anyId = legacyIds[0] ?? '-'
        if (migrated !== legacySum) {
          differ({
            type: 'different',
            table,
            legacy_id: anyId,
            row: id,
            detail: `migrated_count ${row.migrated_count}, legacy counts add up to ${legacySum}`,
          })
        } else if (Number(row.usage_count) < migrated) {
          differ({
            type: 'different',
            table,
            legacy_id: anyId,
            row: id,
            detail: `usage_count ${row.usage_count} is below the migrated ${migrated}`,
          })
        }
      }
    }
  }

  async function scanSegments(
    pass: VerifyPass,
    pageOf: (segment: number, cursor: string | undefined) => Promise<{ nextCursor: string | undefined }>,
  ) {
    // Settled, not raced: when one segment stops or fails, the others end their page first.
    let failed = false
    const results = await Promise.allSettled(
      Array.from({ length: options.segments }, async (_, segment) => {
        let cursor: string | undefined
        try {
          do {
            options.signal?.throwIfAborted()
            if (failed) return
            cursor = (await pageOf(segment, cursor)).nextCursor
            options.onPage?.(report, pass)
          } while (cursor)
        } catch (err) {
          failed = true
          throw err
        }
      }),
    )
    const failure = results.find((result) => result.status === 'rejected')
    if (failure) throw failure.reason
  }

  await scanSegments('legacy', async (segment, cursor) => {
    const page = await legacy.scanPage(segment, options.segments, cursor, options.pageSize, options.signal)
    await checkLegacyPage(page.items)
    return page
  })
  for (const table of TARGET_TABLES) {
    await scanSegments('migrated', async (segment, cursor) => {
      const page = await targets.scanMigratedPage(table, segment, options.segments, cursor, options.pageSize)
      await checkMigratedPage(table, page.rows)
      return page
    })
  }
  return report
}
