// One record per verification (a verify started over HTTP), in the `verifications` partition: its
// options, status, progress, lease, and its report once done. A record whose status says running
// but whose lease ran out belongs to a process that died: readers show it as interrupted.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { VERIFICATIONS_PARTITION, verificationKey } from '@f1/tables/keys'
import type { VerificationProgress, VerificationStatus, VerificationView } from '@f1/contracts/migrations'
import { conditionally, newestItems, withoutKey, type StateTable } from './table.ts'

export interface VerificationRecord {
  verification_id: string
  status: VerificationStatus
  segments: number
  page_size: number
  started_at: string
  updated_at: string
  finished_at?: string
  owner: string
  /** Epoch ms; renewed with the progress while the process running it lives. */
  lease_until: number
  progress: VerificationProgress
  backfill_run_id?: string
  error?: string
  report?: NonNullable<VerificationView['report']>
}

export function createVerificationsRepository(table: StateTable) {
  const { doc, TableName, send } = table
  return {
    async putVerification(record: VerificationRecord): Promise<void> {
      await send(() => doc.send(new PutCommand({ TableName, Item: { ...verificationKey(record.verification_id), ...record } })))
    },

    /** Records the progress and extends the lease of a verification this owner still runs; false otherwise. */
    updateVerificationProgress(
      record: Pick<VerificationRecord, 'verification_id' | 'owner' | 'lease_until' | 'progress' | 'backfill_run_id'>,
      now: Date,
    ): Promise<boolean> {
      const overlap = record.backfill_run_id ? ', backfill_run_id = :run' : ''
      return conditionally(() =>
        send(() =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: verificationKey(record.verification_id),
              UpdateExpression: `SET progress = :p, lease_until = :lease, updated_at = :now${overlap}`,
              ConditionExpression: '#owner = :me AND #status = :running',
              ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
              ExpressionAttributeValues: {
                ':p': record.progress,
                ':lease': record.lease_until,
                ':now': now.toISOString(),
                ':me': record.owner,
                ':running': 'running',
                ...(record.backfill_run_id ? { ':run': record.backfill_run_id } : {}),
              },
            }),
          ),
        ),
      )
    },

    async getVerification(verificationId: string): Promise<VerificationRecord | undefined> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: verificationKey(verificationId), ConsistentRead: true })))
      return res.Item ? (withoutKey(res.Item) as VerificationRecord) : undefined
    },

    /** The newest verification (ids sort by start time), if any. */
    async latestVerification(): Promise<VerificationRecord | undefined> {
      const [item] = await newestItems(table, VERIFICATIONS_PARTITION, 1)
      return item ? (withoutKey(item) as VerificationRecord) : undefined
    },
  }
}

export type VerificationsRepository = ReturnType<typeof createVerificationsRepository>
