// Run records as the API shows them; the run this instance is running shows its live progress.
import type { BackfillHandle } from '../migration/backfill.ts'
import type { RunRecord } from '../repositories/state/runs.ts'
import type { RunView } from '@f1/contracts/migrations'

export function runView(record: RunRecord, active: BackfillHandle | undefined, withReport: boolean): RunView {
  const { report, owner: _owner, ...rest } = record
  const view: RunView = { ...rest, progress: { ...record.progress } }
  if (active && active.runId === record.run_id && record.status === 'running') view.progress = active.progress()
  if (withReport && report) view.report = report
  return view
}
