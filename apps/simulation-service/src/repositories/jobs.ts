// Simulation jobs in the simulations table: the simulation item (its seed attributes, listed and
// read like any other) with a status, progress and the job's bookkeeping. Every change a runner makes
// is conditional on its lease and on the job still running, so a runner that lost its lease (or whose
// job was cancelled) changes nothing. Results are written by the runner before its charge is
// committed and shown only with status done (findSimulation hides them before).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import type { JobError, JobStatus } from '@f1/contracts/jobs'
import type { Simulation, StoredMode } from '@f1/contracts/simulations'
import { rethrowDynamoError } from '@f1/tables/errors'
import { cancellationReasons, transactWrite } from '@f1/tables/transactions'
import type { JobResults } from '../plugins/engine.ts'
import { OPEN_JOBS, type JobLease, type JobQueue } from '../lib/job-queue.ts'
import { partItem, seedAttributes, type EventFor, type SimulationSeed } from './simulations.ts'
import { COMPRESS_ABOVE_BYTES, MAX_BLOB_BYTES, storeResults } from './stored-results.ts'
import { currentTraceparent } from '@f1/service-kit/tracing'

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

/** The simulation id is the operation's: the job's and its charge's. */
export interface NewJob extends SimulationSeed {
  runsTotal: number
  /** Epoch ms after which the job is failed and refunded. */
  deadline: number
  /** Whether a charge (its id the job's) pays for it: then it is committed or refunded with the job. */
  charged: boolean
}

/** A job's item as stored (the attributes the runner needs). */
export interface JobItem {
  simulation_id: string
  created_at: string
  user_id: string
  track_id: string
  mode: StoredMode
  status: JobStatus
  progress: { runs_done: number; runs_total: number }
  strategy_data: Record<string, unknown>
  job_deadline: number
  job_charged: boolean
  /** The trace of the request that submitted it, when traced: its runs continue that trace. */
  job_traceparent?: string
  /** Present once a runner stored the results (before its charge's commit). */
  results_kept?: boolean
  /** With results_kept: the runs they cover (fewer than runs_total when the job was cancelled while running). */
  results_runs?: number
  /** The end of its runner's lease (0: queued or given back); absent once out of the queue. */
  job_visible_at?: number
  lease_owner?: string
}

/** Where a running job stands for its runner: still running, asked to stop (cancelling), or no longer its own. */
export type RunnerView = 'running' | 'cancelling' | 'lost'

const OPEN = [':queued', ':running', ':cancelling'] as const
const openValues = { ':queued': 'queued', ':running': 'running', ':cancelling': 'cancelling' }

export function createJobsRepository(options: {
  doc: DynamoDBDocumentClient
  tableName: string
  limits?: { compressAbove: number; maxBlob: number }
  /** Queues each job before its item is stored. */
  queue: Pick<JobQueue, 'enqueue'>
}) {
  const { doc, tableName, queue } = options
  const limits = options.limits ?? { compressAbove: COMPRESS_ABOVE_BYTES, maxBlob: MAX_BLOB_BYTES }
  const key = (jobId: string, createdAt: string) => ({ simulation_id: jobId, created_at: createdAt })
  const leased = (lease: JobLease) => ({
    ConditionExpression: '#status = :running AND lease_owner = :owner',
    names: { '#status': 'status' },
    values: { ':running': 'running', ':owner': lease.owner },
  })

  async function read(jobId: string, createdAt: string): Promise<JobItem | undefined> {
    try {
      const res = await doc.send(new GetCommand({ TableName: tableName, Key: key(jobId, createdAt), ConsistentRead: true }))
      const item = res.Item as JobItem | undefined
      return item?.status === undefined ? undefined : item
    } catch (err) {
      rethrowDynamoError(err)
    }
  }

  /** A conditional update that answers false when its condition fails. */
  async function update(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await doc.send(new UpdateCommand(input))
      return true
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false
      rethrowDynamoError(err)
    }
  }

  return {
    /**
     * Queues a job, then stores it (job_queue, job_visible_at 0: open and free), so a job is never
     * stored without being queued. Returns the job as GET shows it, or undefined when the id is
     * taken (a retry of the operation: read it instead; its second message finds it taken or settled).
     */
    async create(input: NewJob): Promise<Simulation | undefined> {
      const simulation: Simulation = {
        ...seedAttributes(input),
        total_time: null,
        status: 'queued',
        progress: { runs_done: 0, runs_total: input.runsTotal },
        eta_s: null,
      }
      await queue.enqueue({ jobId: input.simulationId, createdAt: simulation.created_at })
      const traceparent = currentTraceparent()
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...simulation,
              job_queue: OPEN_JOBS,
              job_visible_at: 0,
              job_deadline: input.deadline,
              job_attempts: 0,
              job_charged: input.charged,
              ...(traceparent ? { job_traceparent: traceparent } : {}),
            },
            ConditionExpression: 'attribute_not_exists(simulation_id)',
          }),
        )
        return simulation
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return undefined
        rethrowDynamoError(err)
      }
    },

    read,

    /** The runner starts (or starts again, after a lost lease) from nothing: false if the job is no longer open. */
    start: (lease: JobLease, now: number) =>
      update({
        TableName: tableName,
        Key: key(lease.jobId, lease.createdAt),
        UpdateExpression: 'SET #status = :running, started_at = :now, progress.runs_done = :zero, eta_s = :null',
        ConditionExpression: '#status IN (:queued, :running) AND lease_owner = :owner',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'queued',
          ':running': 'running',
          ':now': now,
          ':zero': 0,
          ':null': null,
          ':owner': lease.owner,
        },
      }),

    /**
     * Progress and the time left at the measured rate, while the job runs for this runner. Otherwise
     * 'cancelling' (still its own: keep the runs done) or 'lost' (settled, or another runner's).
     */
    async progress(lease: JobLease, runsDone: number, etaS: number | null): Promise<RunnerView> {
      const c = leased(lease)
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(lease.jobId, lease.createdAt),
            UpdateExpression: 'SET progress.runs_done = :done, eta_s = :eta',
            ConditionExpression: c.ConditionExpression,
            ExpressionAttributeNames: c.names,
            ExpressionAttributeValues: { ...c.values, ':done': runsDone, ':eta': etaS },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        return 'running'
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) {
          // The item as it was (raw attribute values: the document client does not convert this one).
          const item = err.Item
          return item?.status?.S === 'cancelling' && item.lease_owner?.S === lease.owner ? 'cancelling' : 'lost'
        }
        rethrowDynamoError(err)
      }
    },

    /** A running job is asked to stop: its runner keeps the runs done and ends it cancelled. False when it was not running. */
    requestCancel: (jobId: string, createdAt: string) =>
      update({
        TableName: tableName,
        Key: key(jobId, createdAt),
        UpdateExpression: 'SET #status = :cancelling, eta_s = :null',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':cancelling': 'cancelling', ':null': null },
      }),

    /**
     * Stores the results over `runs` runs (hidden until the job ends); the job's status then (running,
     * or cancelling), or false if it is no longer this runner's.
     */
    async keep(lease: JobLease, run: JobResults, runs: number): Promise<false | 'running' | 'cancelling'> {
      const stored = await storeResults({ simulation_id: lease.jobId }, run.results, limits)
      if (stored.kind === 'parts') {
        try {
          for (const [i, part] of stored.parts.entries()) {
            await doc.send(new PutCommand({ TableName: tableName, Item: partItem(lease.jobId, lease.createdAt, i, part) }))
          }
        } catch (err) {
          rethrowDynamoError(err)
        }
      }
      const results =
        stored.kind === 'inline'
          ? { results: stored.results }
          : stored.kind === 'gzip'
            ? { results_gz: stored.blob }
            : { results_gz_parts: stored.parts.length }
      const [[name, value]] = Object.entries(results) as [[string, unknown]]
      try {
        const res = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(lease.jobId, lease.createdAt),
            UpdateExpression: `SET #results = :results, total_time = :total, results_kept = :true, results_runs = :runs`,
            ConditionExpression: '#status IN (:running, :cancelling) AND lease_owner = :owner',
            ExpressionAttributeNames: { '#status': 'status', '#results': name },
            ExpressionAttributeValues: {
              ':running': 'running',
              ':cancelling': 'cancelling',
              ':owner': lease.owner,
              ':results': value,
              ':total': run.totalTime,
              ':true': true,
              ':runs': runs,
            },
            ReturnValues: 'ALL_NEW',
          }),
        )
        return res.Attributes?.status === 'cancelling' ? 'cancelling' : 'running'
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        rethrowDynamoError(err)
      }
    },

    /**
     * Shows a job whose charge is committed, in one transaction with Simulation Completed: status
     * done, or, when it was cancelled while running and its results cover fewer runs than its
     * study's, status cancelled with `partial` (progress.runs_done the runs they cover). Idempotent
     * (false when it was settled already).
     */
    async finish(jobId: string, createdAt: string, completed: EventFor): Promise<boolean> {
      try {
        const res = await doc.send(new GetCommand({ TableName: tableName, Key: key(jobId, createdAt), ConsistentRead: true }))
        const item = res.Item as (JobItem & { season: number; driver?: string; total_time: number | null }) | undefined
        if (!item || !['running', 'queued', 'cancelling'].includes(item.status)) return false
        const runs = item.results_runs ?? item.progress.runs_total
        const partial = item.status === 'cancelling' && runs < item.progress.runs_total
        const summary = {
          simulation_id: item.simulation_id,
          created_at: item.created_at,
          user_id: item.user_id,
          track_id: item.track_id,
          season: item.season,
          mode: item.mode,
          ...(item.driver !== undefined ? { driver: item.driver } : {}),
          total_time: item.total_time,
          status: partial ? ('cancelled' as const) : ('done' as const),
        }
        await transactWrite(doc, {
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: key(jobId, createdAt),
                UpdateExpression: partial
                  ? 'SET #status = :cancelled, progress.runs_done = :runs, eta_s = :null, #partial = :true REMOVE results_kept, results_runs'
                  : 'SET #status = :done, progress.runs_done = progress.runs_total, eta_s = :zero REMOVE results_kept, results_runs',
                ConditionExpression: '#status = :seen AND results_kept = :true',
                ExpressionAttributeNames: { '#status': 'status', ...(partial ? { '#partial': 'partial' } : {}) },
                ExpressionAttributeValues: {
                  ':seen': item.status,
                  ':true': true,
                  ...(partial ? { ':cancelled': 'cancelled', ':runs': runs, ':null': null } : { ':done': 'done', ':zero': 0 }),
                },
              },
            },
            completed(summary),
          ],
        })
        return true
      } catch (err) {
        if (cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') return false
        rethrowDynamoError(err)
      }
    },

    /**
     * Ends an open job without a result (failed or cancelled; its charge refunded), in one
     * transaction with `event` (Simulation Failed). False when it was no longer open.
     */
    async close(jobId: string, createdAt: string, status: 'failed' | 'cancelled', error: JobError | undefined, event: TransactWriteItem) {
      try {
        await transactWrite(doc, {
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: key(jobId, createdAt),
                UpdateExpression:
                  'SET #status = :status, eta_s = :null' +
                  (error ? ', #error = :error' : '') +
                  ' REMOVE results, results_gz, results_gz_parts, results_kept, results_runs, total_time',
                ConditionExpression: `#status IN (${OPEN.join(', ')})`,
                ExpressionAttributeNames: { '#status': 'status', ...(error ? { '#error': 'error' } : {}) },
                ExpressionAttributeValues: { ...openValues, ':status': status, ':null': null, ...(error ? { ':error': error } : {}) },
              },
            },
            event,
          ],
        })
        return true
      } catch (err) {
        if (cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') return false
        rethrowDynamoError(err)
      }
    },
  }
}

export type JobsRepository = ReturnType<typeof createJobsRepository>
