// A lock: one item with its holder (owner, run_id) and a lease (lease_until, epoch ms). The backfill
// lock keeps one run at a time, anywhere; the verify lock one verify. A holder that stops renewing
// the lease loses it when it runs out.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { BACKFILL_LOCK_KEY } from '@f1/tables/keys'
import { conditionally, type StateTable } from './table.ts'

export interface LockOwner {
  /** Unique per process and run attempt: `<host>:<pid>:<random>`. */
  owner: string
  host: string
  pid: number
}

export interface LockHolder extends LockOwner {
  /** The run (or verification) holding it. */
  run_id: string
  /** Epoch ms after which anyone may take the lock. */
  lease_until: number
  acquired_at: string
}

/** The lock stored under `LOCK_KEY`. */
export function lockOn({ doc, TableName, send }: StateTable, LOCK_KEY: { pk: string; sk: string }) {
  /** The current holder, or undefined when the lock is free (released or expired). */
  async function readLock(): Promise<LockHolder | undefined> {
    const res = await send(() => doc.send(new GetCommand({ TableName, Key: LOCK_KEY, ConsistentRead: true })))
    const item = res.Item as (LockHolder & { owner?: string }) | undefined
    if (!item?.owner || item.lease_until < Date.now()) return undefined
    return item
  }

  return {
    readLock,

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
      const acquired = await conditionally(() =>
        send(() =>
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
        ),
      )
      return acquired ? { acquired } : { acquired, holder: (await readLock()) ?? undefined }
    },

    /** Extends the lease; false when the lock is no longer ours. */
    renewLock(me: LockOwner, leaseMs: number): Promise<boolean> {
      return conditionally(() =>
        send(() =>
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
        ),
      )
    },

    /** Frees the lock if it is still ours (an update, not a delete: the migrator deletes nothing). */
    async releaseLock(me: LockOwner): Promise<void> {
      await conditionally(() =>
        send(() =>
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
        ),
      )
    },
  }
}

export type LockRepository = ReturnType<typeof lockOn>

export const createLockRepository = (table: StateTable): LockRepository => lockOn(table, BACKFILL_LOCK_KEY)
