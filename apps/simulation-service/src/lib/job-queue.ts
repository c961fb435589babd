// The queue behind simulation jobs. A runner receives a job under a lease (SQS: a message under its
// visibility timeout), extends it while it works (ChangeMessageVisibility), and deletes it once the
// job is settled (DeleteMessage). A runner that dies stops extending: the lease runs out and the job
// is received again, by this instance or another, and run from the start (same seed, same result).
// Whatever says which job is next, the lease itself is kept on the job's item (job_visible_at,
// lease_owner, job_attempts) and changed only by conditional updates, so two runners never hold the
// same job at once and every write of a runner is conditional on its lease. Locally the queue is the
// simulations table itself: an open job's item carries job_queue and job_visible_at (the sparse
// open-jobs-index); in AWS it is SQS (sqs-job-queue.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { indexName } from '@f1/tables'
import { rethrowDynamoError } from '@f1/tables/errors'
export interface JobLease {
  jobId: string
  createdAt: string
  /** The runner holding it (unique per process). */
  owner: string
  /** How many times the job has been received, this time included. */
  attempt: number
  /** The SQS message's receipt handle, when the queue is SQS. */
  receipt?: string
}

/** A job to queue: its item's key. */
export interface JobRef {
  jobId: string
  createdAt: string
}

export interface JobQueue {
  /** Queues a job before its item is stored, so no job is stored without being queued (the table queue: nothing to do, the item is the message). */
  enqueue(job: JobRef): Promise<void>
  /** Takes one job whose lease is free (queued, or its runner's lease ran out) for `leaseMs`; undefined when none. */
  receive(owner: string, leaseMs: number): Promise<JobLease | undefined>
  /** Keeps the lease for `leaseMs` more; false when it was lost (it ran out and another runner took the job). */
  extend(lease: JobLease, leaseMs: number): Promise<boolean>
  /** Gives the job back at once, unrun (a shutdown): the next receive takes it, and this receive is not counted as an attempt. */
  release(lease: JobLease): Promise<void>
  /** The job is settled (done, failed or cancelled): it is never received again. */
  delete(lease: JobLease): Promise<void>
}

/** The value of job_queue on every open job (one partition: jobs are few and long; shard it if that changes). */
export const OPEN_JOBS = 'open'
const OPEN_JOBS_INDEX = indexName('simulations', 'open-jobs-index')
/** Jobs looked at per receive: a few, since the first free one is taken. */
const RECEIVE_PAGE = 10

/** What taking a given job's lease found. */
export type Claim = { lease: JobLease } | { settled: true } | { heldUntil: number } | { absent: true }

/** The lease on a job's item: the part of the queue every implementation shares. */
export interface JobLeases extends Omit<JobQueue, 'receive' | 'enqueue'> {
  /** Takes `job`'s lease for `leaseMs` if it is open and free. */
  claim(job: JobRef, owner: string, leaseMs: number): Promise<Claim>
}

export function createJobLeases(options: { doc: DynamoDBDocumentClient; tableName: string; now: () => number }): JobLeases {
  const { doc, tableName, now } = options
  const key = (lease: JobRef) => ({ simulation_id: lease.jobId, created_at: lease.createdAt })

  return {
    async claim(job, owner, leaseMs) {
      try {
        const at = now()
        const taken = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(job),
            UpdateExpression: 'SET lease_owner = :owner, job_visible_at = :until ADD job_attempts :one',
            ConditionExpression: 'job_queue = :open AND job_visible_at <= :now',
            ExpressionAttributeValues: { ':owner': owner, ':until': at + leaseMs, ':one': 1, ':open': OPEN_JOBS, ':now': at },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        const item = taken.Attributes ?? {}
        return { lease: { jobId: String(item.simulation_id), createdAt: String(item.created_at), owner, attempt: Number(item.job_attempts) } }
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) rethrowDynamoError(err)
        const old = err.Item
        if (!old) return { absent: true }
        if (old.job_queue?.S !== OPEN_JOBS) return { settled: true }
        return { heldUntil: Number(old.job_visible_at?.N ?? 0) }
      }
    },

    async extend(lease, leaseMs) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(lease),
            UpdateExpression: 'SET job_visible_at = :until',
            ConditionExpression: 'job_queue = :open AND lease_owner = :owner',
            ExpressionAttributeValues: { ':until': now() + leaseMs, ':open': OPEN_JOBS, ':owner': lease.owner },
          }),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        rethrowDynamoError(err)
      }
    },

    async release(lease) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(lease),
            // A job given back unrun (its runner stopping for a deploy or a scale-in, no free slot) was
            // not attempted: its receive is taken back, or a few deploys during one long job would fail it.
            UpdateExpression: 'SET job_visible_at = :zero REMOVE lease_owner ADD job_attempts :minusOne',
            ConditionExpression: 'job_queue = :open AND lease_owner = :owner',
            ExpressionAttributeValues: { ':zero': 0, ':open': OPEN_JOBS, ':owner': lease.owner, ':minusOne': -1 },
          }),
        )
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) rethrowDynamoError(err)
      }
    },

    async delete(lease) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(lease),
            UpdateExpression: 'REMOVE job_queue, job_visible_at, lease_owner',
            ConditionExpression: 'lease_owner = :owner',
            ExpressionAttributeValues: { ':owner': lease.owner },
          }),
        )
      } catch (err) {
        // Lost meanwhile: its new holder deletes it once it finds the job settled.
        if (!(err instanceof ConditionalCheckFailedException)) rethrowDynamoError(err)
      }
    },
  }
}

/** The local queue: the open-jobs-index says which jobs wait, the lease on the item decides who takes one. */
export function createTableJobQueue(options: { doc: DynamoDBDocumentClient; tableName: string; now: () => number }): JobQueue {
  const { doc, tableName, now } = options
  const leases = createJobLeases(options)
  const { claim, ...held } = leases

  return {
    ...held,
    async enqueue() {},
    async receive(owner, leaseMs) {
      try {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: OPEN_JOBS_INDEX,
            KeyConditionExpression: 'job_queue = :open AND job_visible_at <= :now',
            ExpressionAttributeValues: { ':open': OPEN_JOBS, ':now': now() },
            Limit: RECEIVE_PAGE,
          }),
        )
        for (const candidate of res.Items ?? []) {
          // The index is read eventually: the condition on the item decides who gets the job.
          const claimed = await claim({ jobId: String(candidate.simulation_id), createdAt: String(candidate.created_at) }, owner, leaseMs)
          if ('lease' in claimed) return claimed.lease
          // Another runner took it first, or it was settled: try the next one.
        }
        return undefined
      } catch (err) {
        rethrowDynamoError(err)
      }
    },
  }
}
