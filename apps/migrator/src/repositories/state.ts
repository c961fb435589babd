// The migration table (the migrator's own state): the backfill lock (owner, run_id, lease_until in
// epoch ms), one record per backfill run (options, status, progress, report), each segment's
// checkpoint (Scan cursor, done, counters), the run's profile emails grouped by email hash (for
// conflicts), per-user lazy-migration markers and their count. Their keys are in @f1/tables/keys.
import { createHash } from 'node:crypto'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { updateOnceWithMarker } from '@f1/tables/transactions'
import { rethrowDynamoError } from '@f1/tables/errors'
import {
  BACKFILL_LOCK_KEY as LOCK_KEY,
  EMAIL_SHARDS,
  RUNS_PARTITION as RUNS,
  USER_MARKER_STATS_KEY as STATS_KEY,
  checkpointKey,
  checkpointQuery,
  emailEntryKey,
  emailShardPartition,
  readinessKey,
  runKey,
  userMarkerKey,
} from '@f1/tables/keys'
import type { Pacer } from '../lib/pacer.ts'
import type { BackfillReport, Counters, Progress, RunStatus } from '../lib/report.ts'
import { backoff, paced } from './retry.ts'

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export interface LockOwner {
  /** Unique per process and run attempt: `<host>:<pid>:<random>`. */
  owner: string
  host: string
  pid: number
}

export interface LockHolder extends LockOwner {
  run_id: string
  /** Epoch ms after which anyone may take the lock. */
  lease_until: number
  acquired_at: string
}

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

export interface Checkpoint {
  segment: number
  /** Where the segment's Scan continues (JSON of LastEvaluatedKey); absent at its start or end. */
  cursor?: string
  done: boolean
  pages: number
  counters: Counters
  updated_at: string
}

export interface EmailEntry {
  user_id: string
  legacy_id: string
  email: string
  created_at?: string
}

export interface UserMarker {
  user_id: string
  migrated_at: string
  event_id: string
  written: Record<string, number>
  rejected: number
}

/** Email entries only serve the run's report; they expire a month after it. */
const EMAIL_TTL_S = 30 * 86_400
// The report is kept with the run record; a very long conflict list stays in the CLI's JSON report only.
const CONFLICTS_IN_RECORD = 100

const emailHash = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)

export function createStateRepository(options: { doc: DynamoDBDocumentClient; tableName: string; pacer: Pacer }) {
  const { doc, tableName: TableName, pacer } = options
  const send = <T>(fn: () => Promise<T>, cost = 0) => paced(pacer, { cost }, fn)

  async function queryAll(pk: string, beginsWith?: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = []
    let startKey: Record<string, unknown> | undefined
    do {
      const res = await send(() =>
        doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: beginsWith ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
            ExpressionAttributeValues: beginsWith ? { ':pk': pk, ':prefix': beginsWith } : { ':pk': pk },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      )
      items.push(...(res.Items ?? []))
      startKey = res.LastEvaluatedKey
    } while (startKey)
    return items
  }

  return {
    // ---- the backfill lock -------------------------------------------------------------------

    /**
     * Takes the lock for `runId` if it is free, its lease ran out, or it is held by `takeOverFrom`
     * (a dead process on this host). Returns the holder when someone else has it.
     */
    async acquireLock(
      me: LockOwner,
      runId: string,
      leaseMs: number,
      takeOverFrom?: string,
    ): Promise<{ acquired: boolean; holder?: LockHolder }> {
      const now = Date.now()
      try {
        await send(() =>
          doc.send(
            new PutCommand({
              TableName,
              Item: { ...LOCK_KEY, ...me, run_id: runId, lease_until: now + leaseMs, acquired_at: new Date(now).toISOString() },
              // Two instances starting at once: exactly one put passes this condition.
              ConditionExpression: 'attribute_not_exists(#owner) OR lease_until < :now OR #owner = :takeOver',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':now': now, ':takeOver': takeOverFrom ?? '-' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        )
        return { acquired: true }
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return { acquired: false, holder: (await this.readLock()) ?? undefined }
        throw err
      }
    },

    /** The current holder, or undefined when the lock is free (released or expired). */
    async readLock(): Promise<LockHolder | undefined> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: LOCK_KEY, ConsistentRead: true })))
      const item = res.Item as (LockHolder & { owner?: string }) | undefined
      if (!item?.owner || item.lease_until < Date.now()) return undefined
      return item
    },

    /** Extends the lease; false when the lock is no longer ours. */
    async renewLock(me: LockOwner, leaseMs: number): Promise<boolean> {
      try {
        await send(() =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: LOCK_KEY,
              UpdateExpression: 'SET lease_until = :until',
              ConditionExpression: '#owner = :me',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':until': Date.now() + leaseMs, ':me': me.owner },
            }),
          ),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        throw err
      }
    },

    /** Frees the lock if it is still ours (an update, not a delete: the migrator deletes nothing). */
    async releaseLock(me: LockOwner): Promise<void> {
      try {
        await send(() =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: LOCK_KEY,
              UpdateExpression: 'REMOVE #owner SET lease_until = :zero, released_at = :now',
              ConditionExpression: '#owner = :me',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':zero': 0, ':me': me.owner, ':now': new Date().toISOString() },
            }),
          ),
        )
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err
      }
    },

    // ---- runs ----------------------------------------------------------------------------------

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

    async updateRunProgress(runId: string, progress: Progress, now: Date): Promise<void> {
      await send(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: runKey(runId),
            UpdateExpression: 'SET progress = :p, updated_at = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':p': progress, ':now': now.toISOString() },
          }),
        ),
      ).catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err
      })
    },

    async getRun(runId: string): Promise<RunRecord | undefined> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: runKey(runId), ConsistentRead: true })))
      if (!res.Item) return undefined
      const { pk: _pk, sk: _sk, ...record } = res.Item
      return record as RunRecord
    },

    /** The newest runs first. */
    async latestRuns(limit: number): Promise<RunRecord[]> {
      const res = await send(() =>
        doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': RUNS },
            ScanIndexForward: false,
            Limit: limit,
            ConsistentRead: true,
          }),
        ),
      )
      return (res.Items ?? []).map(({ pk: _pk, sk: _sk, ...record }) => record as RunRecord)
    },

    // ---- checkpoints ---------------------------------------------------------------------------

    /** Stored after a page's writes are all durable: a resume redoes at most that one page. */
    async saveCheckpoint(runId: string, checkpoint: Checkpoint): Promise<void> {
      await send(() => doc.send(new PutCommand({ TableName, Item: { ...checkpointKey(runId, checkpoint.segment), ...checkpoint } })))
    },

    async loadCheckpoints(runId: string): Promise<Map<number, Checkpoint>> {
      const { pk, skPrefix } = checkpointQuery(runId)
      const items = await queryAll(pk, skPrefix)
      return new Map(items.map(({ pk: _pk, sk: _sk, ...cp }) => [Number(cp.segment), cp as unknown as Checkpoint]))
    },

    // ---- profile emails of a run (conflict detection with bounded memory) ---------------------

    /** Records profiles' emails; the same profile twice is the same item (a redone page changes nothing). */
    async putEmails(runId: string, entries: readonly EmailEntry[]): Promise<void> {
      const expiresAt = Math.floor(Date.now() / 1000) + EMAIL_TTL_S
      for (let i = 0; i < entries.length; i += 25) {
        let requests = entries.slice(i, i + 25).map((entry) => {
          const hash = emailHash(entry.email)
          return {
            PutRequest: {
              Item: {
                ...emailEntryKey(runId, hash, entry.legacy_id),
                hash,
                ...entry,
                expires_at: expiresAt,
              },
            },
          }
        })
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0) await backoff(attempt, 50, 5_000)
          const res = await send(() => doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } })), requests.length)
          requests = (res.UnprocessedItems?.[TableName] ?? []) as typeof requests
        }
      }
    },

    /** Every group of profiles whose emails are equal in lower case and that has two or more, one group at a time. */
    async *emailGroups(runId: string): AsyncGenerator<EmailEntry[]> {
      for (let shard = 0; shard < EMAIL_SHARDS; shard++) {
        let group: Array<EmailEntry & { hash: string }> = []
        let startKey: Record<string, unknown> | undefined
        do {
          const res = await send(() =>
            doc.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': emailShardPartition(runId, shard) },
                ConsistentRead: true,
                ExclusiveStartKey: startKey,
              }),
            ),
          )
          // Sorted by sort key, which starts with the email's hash: a group's entries are adjacent.
          for (const item of (res.Items ?? []) as Array<EmailEntry & { hash: string }>) {
            if (group.length > 0 && group[0]?.hash !== item.hash) {
              if (group.length > 1) yield group
              group = []
            }
            group.push(item)
          }
          startKey = res.LastEvaluatedKey
        } while (startKey)
        if (group.length > 1) yield group
      }
    },

    // ---- per-user markers of the lazy migration -----------------------------------------------

    async hasUserMarker(userId: string): Promise<boolean> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: userMarkerKey(userId), ConsistentRead: true })))
      return res.Item !== undefined
    },

    /**
     * Records that a user is migrated, counts the marker and writes `event` (its User Migrated outbox
     * item), in one transaction; false if the marker existed.
     */
    async putUserMarker(marker: UserMarker, event: TransactItem): Promise<boolean> {
      try {
        // Two deliveries migrating the same user at once: one marker, one count, one event.
        const outcome = await send(() =>
          updateOnceWithMarker(
            doc,
            { TableName, Item: { ...userMarkerKey(marker.user_id), ...marker }, keyAttribute: 'pk' },
            { TableName, Key: STATS_KEY, UpdateExpression: 'ADD user_markers :one', ExpressionAttributeValues: { ':one': 1 } },
            [event],
          ),
        )
        return outcome.status === 'applied'
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    async userMarkerCount(): Promise<number> {
      const res = await send(() => doc.send(new GetCommand({ TableName, Key: STATS_KEY, ConsistentRead: true })))
      return Number(res.Item?.user_markers ?? 0)
    },

    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName, Key: readinessKey('migration') }), { abortSignal: signal })
    },
  }
}

export type StateRepository = ReturnType<typeof createStateRepository>
