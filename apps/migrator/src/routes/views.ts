// Run records as the API shows them; the run this instance is running shows its live progress.
import type { BackfillHandle } from '../migration/backfill.ts'
import type { RunRecord } from '../repositories/state.ts'
import type { RunView } from '@f1/contracts/migrations'

export function runView(record: RunRecord, active: BackfillHandle | undefined, withReport: boolean): RunView {
  const { report, owner: _owner, ...rest } = record
  const view: RunView = { ...rest, progress: { ...record.progress } }
  if (active && active.runId === record.run_id && record.status === 'running') {
    const live = active.progress()
    view.progress = {
      read: live.read,
      written: live.written,
      skipped: live.skipped,
      rejected: live.rejected,
      failed: live.failed,
      total_estimate: live.total_estimate,
      items_per_s: live.items_per_s,
      eta_s: live.eta_s,
    }
  }
  if (withReport && report) view.report = report
  return view
}
