// How the admin page words a verification, kept apart from its markup: the outcome of a report, the
// progress of each pass, and which verify to follow when a start is refused because one is running.
import { ApiError, waitText } from '../api/errors.ts'
import type { Verification } from '../api/types.ts'

type Report = NonNullable<Verification['report']>

/** A count as the rest of the console writes it: in the reader's locale. */
export const num = (n: number) => n.toLocaleString()

/** "Legacy and the new tables agree." or "3 differences: 2 missing, 1 extra." (types without any left out). */
export function verifyOutcome(report: Report): string {
  const counts = Object.entries(report.differences).filter(([, n]) => n > 0)
  const total = counts.reduce((sum, [, n]) => sum + n, 0)
  if (report.agree || total === 0) return 'Legacy and the new tables agree.'
  return `${num(total)} difference${total === 1 ? '' : 's'}: ${counts.map(([type, n]) => `${num(n)} ${type}`).join(', ')}.`
}

/** The progress line of a running verify: which pass, how far, how fast, and (first pass) when it ends. */
export function verifyProgressText(p: Verification['progress']): string {
  const speed = p.items_per_s === undefined ? '' : ` · ${num(p.items_per_s)} items/s`
  if (p.pass === 'legacy') {
    const of = p.total_estimate === null ? '' : ` of about ${num(p.total_estimate)}`
    const eta = p.eta_s === undefined || p.eta_s === null ? '' : ` · pass done ${waitText(p.eta_s)}`
    return `Pass 1 of 2, legacy against the new tables: ${num(p.legacy_read)}${of} legacy items read${speed}${eta}`
  }
  return `Pass 2 of 2, migrated rows against legacy: ${num(p.migrated_read)} rows read (${num(p.legacy_read)} legacy items in pass 1)${speed}`
}

/** The verify already running when a start was refused for it (409 VERIFY_IN_PROGRESS): the page follows it instead. */
export function runningVerification(err: unknown): string | undefined {
  if (!(err instanceof ApiError) || err.status !== 409 || err.code !== 'VERIFY_IN_PROGRESS') return undefined
  return typeof err.details.verification_id === 'string' ? err.details.verification_id : undefined
}
