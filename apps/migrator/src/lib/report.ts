// What a backfill counts, per legacy item kind and per target table, and the report built from it.
// Counters are plain JSON: each segment's are stored with its checkpoint, so a resumed run reports
// everything the killed one had counted.
import type { ClassifiedResult } from '@f1/legacy/items'
import type { EmailConflict } from '@f1/legacy/profiles'
import { REJECTION_REASONS, SKIP_REASONS, TARGET_TABLES, WARNING_CODES, type TargetTable, type WarningCode } from '@f1/legacy/result'
import type { ProgressSchema, RunStatus } from '@f1/contracts/migrations'
import type { Static } from 'typebox'

export const ITEM_KINDS = ['profile', 'usage', 'action', 'strategy', 'email_lock', 'unknown'] as const
export type ItemKind = (typeof ITEM_KINDS)[number]

/**
 * What became of one row write. Puts: written (the row did not exist), already_present (a row
 * migrated from this legacy item was there: an earlier run, this run before a resume, or the lazy
 * migration), kept_live (a row written by live traffic was there and was not overwritten). Usage:
 * written (created the row), merged (added to an existing row), already_counted (the row already
 * holds this legacy id). failed: DynamoDB refused the item itself (see samples).
 */
export const ROW_OUTCOMES = ['written', 'already_present', 'kept_live', 'merged', 'already_counted', 'failed'] as const
export type RowOutcome = (typeof ROW_OUTCOMES)[number]

export type TableCounts = { mapped: number } & Record<RowOutcome, number>

export interface KindCounts {
  read: number
  mapped: number
  skipped: Record<string, number>
  rejected: Record<string, number>
}

export interface Sample {
  legacy_id: string | null
  reason: string
  detail: string
}

export interface Counters {
  read: number
  kinds: Record<ItemKind, KindCounts>
  tables: Record<TargetTable, TableCounts>
  warnings: Record<WarningCode, number>
  /** A few rejections and failures with their legacy ids, for the operator. */
  samples: { rejected: Sample[]; failed: Sample[] }
}

const SAMPLES_KEPT = 20

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

export function emptyCounters(): Counters {
  return {
    read: 0,
    kinds: Object.fromEntries(ITEM_KINDS.map((kind) => [kind, { read: 0, mapped: 0, skipped: {}, rejected: {} }])) as Record<
      ItemKind,
      KindCounts
    >,
    tables: Object.fromEntries(TARGET_TABLES.map((table) => [table, { mapped: 0, ...zeros(ROW_OUTCOMES) }])) as Record<
      TargetTable,
      TableCounts
    >,
    warnings: zeros(WARNING_CODES),
    samples: { rejected: [], failed: [] },
  }
}

function bump(into: Record<string, number>, key: string, by = 1): void {
  into[key] = (into[key] ?? 0) + by
}

/** Counts one transformed legacy item. */
export function recordResult(counters: Counters, result: ClassifiedResult): void {
  counters.read += 1
  const kind = counters.kinds[result.itemKind]
  kind.read += 1
  if (result.kind === 'rejected') {
    bump(kind.rejected, result.reason)
    if (counters.samples.rejected.length < SAMPLES_KEPT) {
      counters.samples.rejected.push({ legacy_id: result.legacyId ?? null, reason: result.reason, detail: result.detail })
    }
  } else if (result.kind === 'skipped') bump(kind.skipped, result.reason)
  else {
    kind.mapped += 1
    counters.tables[result.table].mapped += 1
    for (const warning of result.warnings) counters.warnings[warning.code] += 1
  }
}

/** Counts what a row write did; a failure keeps a sample with the legacy id. */
export function recordOutcome(counters: Counters, table: TargetTable, outcome: RowOutcome, legacyId: string, detail?: string): void {
  counters.tables[table][outcome] += 1
  if (outcome === 'failed' && counters.samples.failed.length < SAMPLES_KEPT) {
    counters.samples.failed.push({ legacy_id: legacyId, reason: table, detail: detail ?? 'write refused' })
  }
}

/** Adds `from` into `into` (segments into a run total). */
export function addCounters(into: Counters, from: Counters): void {
  into.read += from.read
  for (const kind of ITEM_KINDS) {
    const a = into.kinds[kind]
    const b = from.kinds[kind]
    a.read += b.read
    a.mapped += b.mapped
    for (const [reason, n] of Object.entries(b.skipped)) bump(a.skipped, reason, n)
    for (const [reason, n] of Object.entries(b.rejected)) bump(a.rejected, reason, n)
  }
  for (const table of TARGET_TABLES) {
    for (const key of Object.keys(from.tables[table]) as Array<keyof TableCounts>) into.tables[table][key] += from.tables[table][key]
  }
  for (const code of WARNING_CODES) into.warnings[code] += from.warnings[code]
  for (const list of ['rejected', 'failed'] as const) {
    for (const sample of from.samples[list]) if (into.samples[list].length < SAMPLES_KEPT) into.samples[list].push(sample)
  }
}

/** Counters read back from a checkpoint, filled up to the current shape. */
export function restoreCounters(stored: unknown): Counters {
  const counters = emptyCounters()
  if (stored && typeof stored === 'object') addCounters(counters, { ...emptyCounters(), ...(stored as Partial<Counters>) })
  return counters
}

export type { RunStatus }

/**
 * A run's short figures, as its record keeps them and GET /status, GET /runs/:id (and the gateway,
 * through the same schema) and the progress line show them; speed and ETA only while a process runs it.
 */
export type Progress = Static<typeof ProgressSchema>

export interface Totals {
  read: number
  mapped: number
  written: number
  already_present: number
  kept_live: number
  merged: number
  already_counted: number
  skipped: number
  rejected: number
  failed: number
}

export interface BackfillReport {
  run_id: string | null
  dry_run: boolean
  status: RunStatus
  started_at: string
  finished_at: string
  duration_s: number
  /** How often this run was started again after an interruption. */
  resumed: number
  segments: number
  totals: Totals & { throttled: number }
  kinds: Record<ItemKind, KindCounts>
  tables: Record<TargetTable, TableCounts>
  rejected: Record<string, number>
  skipped: Record<string, number>
  warnings: Record<WarningCode, number>
  email_conflicts: { count: number; conflicts: EmailConflict[] }
  samples: Counters['samples']
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0)

export function totalsOf(counters: Counters): Totals {
  const tables = Object.values(counters.tables)
  const kinds = Object.values(counters.kinds)
  return {
    read: counters.read,
    mapped: sum(tables.map((t) => t.mapped)),
    written: sum(tables.map((t) => t.written)),
    already_present: sum(tables.map((t) => t.already_present)),
    kept_live: sum(tables.map((t) => t.kept_live)),
    merged: sum(tables.map((t) => t.merged)),
    already_counted: sum(tables.map((t) => t.already_counted)),
    skipped: sum(kinds.map((k) => sum(Object.values(k.skipped)))),
    rejected: sum(kinds.map((k) => sum(Object.values(k.rejected)))),
    failed: sum(tables.map((t) => t.failed)),
  }
}

export function progressOf(counters: Counters, totalEstimate: number | null): Progress {
  const totals = totalsOf(counters)
  return {
    read: totals.read,
    written: totals.written + totals.merged,
    skipped: totals.skipped,
    rejected: totals.rejected,
    failed: totals.failed,
    total_estimate: totalEstimate,
  }
}

export interface ReportInput {
  runId: string | null
  dryRun: boolean
  status: RunStatus
  startedAt: Date
  finishedAt: Date
  resumed: number
  segments: number
  throttled: number
  counters: Counters
  emailConflicts: EmailConflict[]
}

export function buildReport(input: ReportInput): BackfillReport {
  const { counters } = input
  const rejected = zeros(REJECTION_REASONS) as Record<string, number>
  const skipped = zeros(SKIP_REASONS) as Record<string, number>
  for (const kind of Object.values(counters.kinds)) {
    for (const [reason, n] of Object.entries(kind.rejected)) bump(rejected, reason, n)
    for (const [reason, n] of Object.entries(kind.skipped)) bump(skipped, reason, n)
  }
  return {
    run_id: input.runId,
    dry_run: input.dryRun,
    status: input.status,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    duration_s: Math.round((input.finishedAt.getTime() - input.startedAt.getTime()) / 100) / 10,
    resumed: input.resumed,
    segments: input.segments,
    totals: { ...totalsOf(counters), throttled: input.throttled },
    kinds: counters.kinds,
    tables: counters.tables,
    rejected,
    skipped,
    warnings: counters.warnings,
    email_conflicts: { count: input.emailConflicts.length, conflicts: input.emailConflicts },
    samples: counters.samples,
  }
}

const num = (n: number) => n.toLocaleString('en-US')

function reasons(counts: Record<string, number>): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0)
  return entries.length === 0 ? '-' : entries.map(([reason, n]) => `${reason} ${num(n)}`).join(', ')
}

/** The report as the CLI prints it: totals, one line per kind and per table, reasons, conflicts. */
export function formatReport(report: BackfillReport): string {
  const t = report.totals
  const lines = [
    `Backfill ${report.run_id ?? '(dry run)'}: ${report.status}${report.dry_run ? ' (dry run: nothing written)' : ''}`,
    `  ${report.started_at} -> ${report.finished_at} (${report.duration_s} s), ${report.segments} segments` +
      (report.resumed > 0 ? `, resumed ${report.resumed}x` : ''),
    `  read ${num(t.read)}, mapped ${num(t.mapped)}, written ${num(t.written)}, already present ${num(t.already_present)}, ` +
      `kept live ${num(t.kept_live)}, merged ${num(t.merged)}, already counted ${num(t.already_counted)}, ` +
      `skipped ${num(t.skipped)}, rejected ${num(t.rejected)}, failed ${num(t.failed)}, throttled ${num(t.throttled)}`,
    '',
    '  per kind       read     mapped   skipped / rejected by reason',
  ]
  for (const [kind, k] of Object.entries(report.kinds)) {
    if (k.read === 0) continue
    const why = [reasons(k.skipped), reasons(k.rejected)].filter((s) => s !== '-').join('; ') || '-'
    lines.push(`  ${kind.padEnd(12)} ${num(k.read).padStart(8)} ${num(k.mapped).padStart(10)}   ${why}`)
  }
  lines.push('', '  per table      mapped   written  present  kept live  merged  counted  failed')
  for (const [table, c] of Object.entries(report.tables)) {
    const cells = [c.mapped, c.written, c.already_present, c.kept_live, c.merged, c.already_counted, c.failed].map(num)
    const widths = [8, 9, 8, 10, 7, 8, 7]
    lines.push(`  ${table.padEnd(13)}${cells.map((cell, i) => cell.padStart(widths[i] ?? 8)).join(' ')}`)
  }
  lines.push(
    '',
    `  rejected by reason: ${reasons(report.rejected)}`,
    `  skipped by reason:  ${reasons(report.skipped)}`,
    `  warnings:           ${reasons(report.warnings)}`,
    `  email conflicts:    ${num(report.email_conflicts.count)}`,
  )
  for (const conflict of report.email_conflicts.conflicts.slice(0, 10)) {
    lines.push(`    ${conflict.email}: account ${conflict.account.user_id}; also ${conflict.others.map((o) => o.user_id).join(', ')}`)
  }
  if (report.email_conflicts.count > 10) lines.push(`    ... ${num(report.email_conflicts.count - 10)} more in the JSON report`)
  for (const sample of report.samples.failed.slice(0, 10)) lines.push(`  failed: ${sample.reason} ${sample.legacy_id}: ${sample.detail}`)
  return lines.join('\n')
}
