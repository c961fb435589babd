// Simulation jobs of the app: their repository (`app.jobs`), their queue (`app.jobQueue`: SQS when
// a queue URL is given, as in AWS; else the table, see the README) and the runner that takes them: at start, on each submission and
// every `pollMs`, it receives jobs while fewer than `concurrency` run in this process. On close it
// stops its jobs and gives them back to the queue, for this or another instance to run again.
import { hostname } from 'node:os'
import fp from 'fastify-plugin'
import { periodicTask } from '@f1/service-kit/periodic'
import { ulid } from 'ulid'
import { ShuttingDownError } from '../errors.ts'
import { createSqsClient } from '@f1/events/queue-consumer'
import { createTableJobQueue, type JobQueue } from '../lib/job-queue.ts'
import { createSqsJobQueue } from '../lib/sqs-job-queue.ts'
import { runJob } from '../lib/job-runner.ts'
import { createJobsRepository, type JobsRepository } from '../repositories/jobs.ts'

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobsRepository
    jobQueue: JobQueue
    /** Receives jobs into free runner slots now; resolves to how many were taken. */
    pollJobs(): Promise<number>
    /** Resolves once no job runs in this process (tests). */
    jobsIdle(): Promise<void>
  }
}

export interface JobRunnerOptions {
  tableName: string
  limits?: { compressAbove: number; maxBlob: number } | undefined
  concurrency: number
  pollMs: number
  leaseMs: number
  maxAttempts: number
  /** The SQS queue of jobs; unset, the table is the queue. */
  queue?: { url: string; region: string; endpoint?: string | undefined } | undefined
}

/** Progress is written at most this often (a study reports every 100 runs). */
const PROGRESS_EVERY_MS = 1_000

export default fp<JobRunnerOptions>(
  async (app, options) => {
    const table = { doc: app.dynamo.doc, tableName: options.tableName, now: Date.now }
    let queue: JobQueue
    if (options.queue) {
      const sqs = createSqsClient({ region: options.queue.region, endpoint: options.queue.endpoint })
      app.addHook('onClose', async () => sqs.destroy())
      queue = createSqsJobQueue({ ...table, sqs, queueUrl: options.queue.url, log: app.log })
    } else queue = createTableJobQueue(table)
    app.decorate('jobQueue', queue)
    app.decorate('jobs', createJobsRepository({ doc: app.dynamo.doc, tableName: options.tableName, limits: options.limits, queue }))
    // One runner per process: a lease names it, so a restarted process never mistakes an old lease for its own.
    const owner = `${hostname()}:${process.pid}:${ulid()}`
    const stopping = new AbortController()
    const active = new Set<Promise<void>>()

    async function poll(): Promise<number> {
      let taken = 0
      while (!stopping.signal.aborted && active.size < options.concurrency) {
        const lease = await app.jobQueue.receive(owner, options.leaseMs)
        if (!lease) break
        taken += 1
        const running: Promise<void> = runJob(app, lease, {
          leaseMs: options.leaseMs,
          maxAttempts: options.maxAttempts,
          progressEveryMs: PROGRESS_EVERY_MS,
          stopping: stopping.signal,
        })
          .catch((err: unknown) => app.log.error({ err, job_id: lease.jobId }, 'a job run failed; it runs again once its lease runs out'))
          .finally(() => {
            active.delete(running)
            // A slot is free: the next job need not wait for the next poll.
            if (!stopping.signal.aborted) void trigger().catch(() => undefined)
          })
        active.add(running)
      }
      return taken
    }
    const trigger = periodicTask(app, 'job-poll', options.pollMs, poll)
    app.decorate('pollJobs', trigger)
    app.decorate('jobsIdle', async () => {
      while (active.size > 0) await Promise.allSettled([...active])
    })
    app.addHook('onReady', async () => {
      // Jobs queued, or left by a process that died, are taken at once.
      void trigger().catch((err: unknown) => app.log.warn({ err }, 'could not look for jobs at start; the next poll will'))
    })
    app.addHook('preClose', async () => {
      stopping.abort(new ShuttingDownError())
      while (active.size > 0) await Promise.allSettled([...active])
    })
  },
  { name: 'job-runner', dependencies: ['dynamodb', 'simulation-engine', 'usage-service-client', 'work-queue'], fastify: '5.x' },
)
