// One record per backfill run, in the `runs` partition (run ids sort by start time): its options,
// status, progress, and its report once it ended.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { RUNS_PARTITION as RUNS, runKey } from '@f1/tables/keys'
import type { BackfillReport, Progress, RunStatus } from '../../lib/report.ts'
import { conditionally, newestItems, withoutKey, type StateTable } from './table.ts'

export interface RunOptions {
  dry_run: boolean
  segments: number
  rate: number | null
  page_size: number
  batch_size: number
}

export interface RunRecord extends RunOptions {
  run_id: string
  status: RunStatus
  source: 'cli' | 'service'
  started_at: string
  updated_at: string
  finished_at?: string
  /** How often the run was started again after an interruption. */
  resumed: number
  owner: string
  progress: Progress
  report?: BackfillReport
  error?: string
}

// The report is kept with the run record; a very long conflict list stays in the CLI's JSON report only.
const CONFLICTS_IN_RECORD = 100

export function createRunsRepository(table: StateTable) {
  const { doc, TableName, send } = table
  return {
    async putRun(record: RunRecord): Promise<void> {
      const report = record.report
        ? {
            ...record.report,
            email_conflicts: {
              ...record.report.email_conflicts,
              conflicts: record.report.email_conflicts.conflicts.slice(0, CONFLICTS_IN_RECORD),
            },
          }
        : undefined
      await send(() => doc.send(new PutCommand({ TableName, Item: { ...runKey(record.run_id), ...record, report } })))
    },

    /** Records the progress of a run whose record exists (a missing one is left missing). */
    async updateRunProgress(runId: string, progress: Progress, now: Date): Promise<void> {
      await conditionally(() =>
        send(() =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: runKey(runId),
              UpdateExpression: 'SET progress = :p, updated_at = :now',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':p': progress, ':now': now.toISOString() },
            }),
          ),
        ),
      )
    },

    async getRun(runId: string): Promise<RunRecord | undefined> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: runKey(runId), ConsistentRead: true })))
      return res.Item ? (withoutKey(res.Item) as RunRecord) : undefined
    },

    /** The newest runs first. */
    async latestRuns(limit: number): Promise<RunRecord[]> {
      return (await newestItems(table, RUNS, limit)).map((item) => withoutKey(item) as RunRecord)
    },
  }
}

export type RunsRepository = ReturnType<typeof createRunsRepository>
