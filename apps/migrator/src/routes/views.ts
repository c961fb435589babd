// Run and verification records as the API shows them; what this instance is running shows its live progress.
import type { BackfillHandle } from '../migration/backfill.ts'
import type { VerificationHandle } from '../migration/verification.ts'
import type { RunRecord } from '../repositories/state/runs.ts'
import type { VerificationRecord } from '../repositories/state/verifications.ts'
import type { RunView, VerificationView } from '@f1/contracts/migrations'

export function runView(record: RunRecord, active: BackfillHandle | undefined, withReport: boolean): RunView {
  const { report, owner: _owner, ...rest } = record
  const view: RunView = { ...rest, progress: { ...record.progress } }
  if (active && active.runId === record.run_id && record.status === 'running') view.progress = active.progress()
  if (withReport && report) view.report = report
  return view
}

/**
 * A verification as the API shows it: live progress on the instance running it; a record still
 * `running` whose lease ran out belongs to a process that stopped without saying so: interrupted.
 */
export function verificationView(
  record: VerificationRecord,
  active: VerificationHandle | undefined,
  withReport: boolean,
  nowMs = Date.now(),
): VerificationView {
  const { owner: _owner, lease_until: leaseUntil, report, ...view } = record
  const shown: VerificationView = withReport && report ? { ...view, report } : view
  if (record.status !== 'running') return shown
  if (active?.verificationId === record.verification_id) return { ...shown, progress: active.progress() }
  return leaseUntil < nowMs ? { ...shown, status: 'interrupted' } : shown
}
