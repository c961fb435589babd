// The rows a benchmark hands to `pnpm bench`'s closing table. A bench run on its own prints its own
// figures; run by the system bench (which sets BENCH_SUMMARY_FILE), it also appends one JSON line
// per measured path to that file, so every ratio of the run lands in one table.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'

export const BENCH_SUMMARY_FILE_VAR = 'BENCH_SUMMARY_FILE'

export interface BenchFigures {
  perSecond: number
  p50ms?: number
  p99ms?: number
  errors?: number
}

export interface BenchRow {
  label: string
  figures: BenchFigures
  /** What the path is measured against, in the same run. */
  baseline?: { label: string; figures: BenchFigures }
  /** Least throughput as a multiple of the baseline's. */
  goal?: number
  /** Largest p99 as a multiple of the baseline's p99. */
  p99Goal?: number
  /** Anything else the table should say (RSS, settings). */
  note?: string
}

/** Appends `row` for the system bench's table when a system bench started this process; otherwise does nothing. */
export function reportBenchRow(row: BenchRow): void {
  const file = process.env[BENCH_SUMMARY_FILE_VAR]
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`)
}

export function readBenchRows(file: string): BenchRow[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as BenchRow)
}

/** Whether a row meets its goal: undefined when it sets none. */
export function holds(row: BenchRow): boolean | undefined {
  if (row.goal === undefined || !row.baseline) return undefined
  const ratio = row.figures.perSecond / row.baseline.figures.perSecond
  const p99Ratio = (row.figures.p99ms ?? 0) / (row.baseline.figures.p99ms ?? 1)
  return ratio >= row.goal && (row.p99Goal === undefined || p99Ratio <= row.p99Goal)
}

/** The closing table: path | ops/s | p50 | p99 | errors | baseline | ratio | goal | holds? (Markdown). */
export function benchTable(rows: BenchRow[]): string {
  const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1))
  const lines = [
    '| path | ops/s | p50 ms | p99 ms | errors | baseline | ratio | goal | holds? |',
    '|---|---:|---:|---:|---:|---|---:|---|---|',
  ]
  for (const row of rows) {
    const f = row.figures
    const base = row.baseline
    const ratio = base ? `${(f.perSecond / base.figures.perSecond).toFixed(2)}x` : '-'
    const p99 = base && row.p99Goal !== undefined ? ` (p99 ${((f.p99ms ?? 0) / (base.figures.p99ms ?? 1)).toFixed(2)}x)` : ''
    const goal = row.goal === undefined ? '-' : `>= ${row.goal}x${row.p99Goal === undefined ? '' : `, p99 <= ${row.p99Goal}x`}`
    const verdict = holds(row)
    lines.push(
      `| ${row.label}${row.note ? ` (${row.note})` : ''} | ${f.perSecond.toFixed(0)} | ${ms(f.p50ms)} | ${ms(f.p99ms)} | ${f.errors ?? '-'} | ` +
        `${base?.label ?? '-'} | ${ratio}${p99} | ${goal} | ${verdict === undefined ? '-' : verdict ? 'yes' : 'NO'} |`,
    )
  }
  return lines.join('\n')
}
