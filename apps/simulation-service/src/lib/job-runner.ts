// Runs one received job to its end: start it, run the study (heartbeating the lease, writing
// progress about once a second), keep the results, commit the charge, show the results (status done,
// with Simulation Completed), delete it from the queue. Whatever fails it (its deadline, too many
// attempts, the engine) refunds the charge and ends it failed, with Simulation Failed. A job cancelled
// while it runs (status cancelling, seen at the next progress write) stops its study, keeps the runs
// finished (a prefix of the study), commits the charge for those runs only (the rest given back in
// the same usage-service transaction) and ends cancelled with `partial` results and Simulation
// Completed; with no run finished, or received again after its runner died, it is refunded in full
// and ends cancelled with Simulation Failed (CANCELLED). A runner that loses its job (its lease ran
// out, or it was settled) stops and settles nothing: whoever has it now does. A shutdown gives the
// job back to the queue, to be run again from the start.
import type { FastifyInstance } from 'fastify'
import type { JobError } from '@f1/contracts/jobs'
import { jobRacesPerRun, type OptimizeBody } from '@f1/contracts/simulations'
import type { CommitLine } from '@f1/contracts/usage'
import { SpanKind } from '@opentelemetry/api'
import { callOutcome } from '@f1/service-kit/service-client'
import { continuing, inSpan } from '@f1/service-kit/tracing'
import { RaceSimError } from '@f1/race-sim/errors'
import { EngineFailedError, JobAttemptsError, JobCancelledError, JobDeadlineError, JobLostError } from '../errors.ts'
import { optimizeJobResults, type EngineRequest, type JobResults } from '../plugins/engine.ts'
import type { JobItem } from '../repositories/jobs.ts'
import { completedEvent } from './completed-event.ts'
import type { JobLease } from './job-queue.ts'
import { settleCharge } from './metered.ts'
import type { Ticket } from './work-queue.ts'

export interface JobRunOptions {
  leaseMs: number
  maxAttempts: number
  /** Least time between two progress writes. */
  progressEveryMs: number
  /** Aborted when the service stops: the job goes back to the queue. */
  stopping: AbortSignal
}

/** A job's code and message as GET shows them. */
function jobError(err: unknown): JobError {
  const e = err as { code?: unknown; message?: unknown } | null
  return {
    code: typeof e?.code === 'string' ? e.code : 'INTERNAL_ERROR',
    message: typeof e?.message === 'string' ? e.message : 'The job failed',
  }
}

/** Simulation Failed for a job, as the outbox item written with the change that ends it. */
export function failedEvent(
  app: FastifyInstance,
  causeId: string,
  job: Pick<JobItem, 'simulation_id' | 'user_id' | 'track_id' | 'mode'>,
  code: string,
) {
  return app.outbox.put(
    app.outbox.event('SimulationFailed', { id: causeId }, job.user_id, {
      simulation_id: job.simulation_id,
      track_id: job.track_id,
      mode: job.mode,
      error_code: code,
      charge_id: job.simulation_id,
    }),
  )
}

/**
 * The runs a job's results cover: its Monte Carlo study says so (fewer than asked when it was stopped
 * early), an optimizer's in its re-evaluation.
 */
function runsCovered(run: JobResults, runsTotal: number): number {
  const r = run.results
  if ('in_monte_carlo' in r && r.in_monte_carlo) return r.in_monte_carlo.runs
  return 'runs' in r && typeof r.runs === 'number' ? r.runs : runsTotal
}

/**
 * The lines of a partial commit for `runs` of a job's runs: its Monte Carlo runs are charged per race
 * run (runs x races per run, the gateway's rule), every other line (the simulation or the optimizer
 * itself) in full.
 */
export function partialCommitLines(
  held: ReadonlyArray<{ feature: string; amount: number }>,
  job: Pick<JobItem, 'mode' | 'strategy_data'>,
  runs: number,
): CommitLine[] {
  return held.map(({ feature, amount }) => ({
    feature: feature as CommitLine['feature'],
    amount: feature === 'monte_carlo_run' ? Math.min(amount, runs * jobRacesPerRun(job.mode, job.strategy_data)) : amount,
  }))
}

/**
 * Ends a job whose work is not kept: its charge refunded and the job closed (`failed` or `cancelled`)
 * with Simulation Failed. A charge found committed meanwhile (a runner kept and committed results
 * first) is not refunded: those results are shown instead, with Simulation Completed.
 */
export async function refundOrShow(
  app: FastifyInstance,
  job: Pick<JobItem, 'simulation_id' | 'created_at' | 'user_id' | 'track_id' | 'mode' | 'job_charged'>,
  causeId: string,
  ending: { status: 'failed' | 'cancelled'; code: string; error?: JobError; reason: string },
): Promise<void> {
  const ref = { userId: job.user_id, chargeId: job.simulation_id, requestId: causeId }
  if (job.job_charged && (await settleCharge(app, ref, ending.reason)) === 'committed') {
    await app.jobs.finish(job.simulation_id, job.created_at, completedEvent(app, causeId))
  } else {
    await app.jobs.close(job.simulation_id, job.created_at, ending.status, ending.error, failedEvent(app, causeId, job, ending.code))
  }
}

export async function runJob(app: FastifyInstance, lease: JobLease, options: JobRunOptions): Promise<void> {
  const job = await app.jobs.read(lease.jobId, lease.createdAt)
  if (!job || (job.status !== 'queued' && job.status !== 'running' && job.status !== 'cancelling')) {
    // Settled already (cancelled, or done by a runner that died before deleting it).
    await app.jobQueue.delete(lease)
    return
  }
  // Each attempt is a span in the trace of the request that submitted the job, however much later it runs.
  await inSpan(
    'run simulation job',
    { kind: SpanKind.CONSUMER, attributes: { 'f1.simulation_id': lease.jobId, 'f1.job_attempt': lease.attempt } },
    () => runOpenJob(app, lease, job, options),
    continuing(job.job_traceparent),
  )
}

async function runOpenJob(app: FastifyInstance, lease: JobLease, job: JobItem, options: JobRunOptions): Promise<void> {
  const causeId = `job-${lease.jobId}-${lease.attempt}`
  const ref = { userId: job.user_id, chargeId: job.simulation_id, requestId: causeId }

  /** Refunds and ends the job failed; a charge committed meanwhile shows the stored results instead. */
  async function fail(err: unknown): Promise<void> {
    const error = jobError(err)
    await refundOrShow(app, job, causeId, { status: 'failed', error, code: error.code, reason: error.code })
    await app.jobQueue.delete(lease)
  }

  /** A cancelled job with nothing kept: refunded in full, ended cancelled (a charge committed meanwhile shows its kept results). */
  async function cancelInFull(): Promise<void> {
    await refundOrShow(app, job, causeId, { status: 'cancelled', code: 'CANCELLED', reason: 'cancelled' })
    await app.jobQueue.delete(lease)
  }

  /**
   * Commits the charge of kept results (over `runs` runs: in part when they are fewer than the
   * study's) and shows them; a charge gone (refunded: cancelled, expired) ends the job failed, or
   * cancelled when it was being cancelled.
   */
  async function commitAndShow(runs: number, cancelling: boolean): Promise<void> {
    try {
      if (job.job_charged) {
        if (runs < job.progress.runs_total) {
          const held = await app.usageCharges.find(ref)
          await app.usageCharges.commit({ ...ref, lines: partialCommitLines(held.lines, job, runs) })
        } else await app.usageCharges.commit(ref)
      }
    } catch (err) {
      const outcome = callOutcome(err) === 'unknown' ? await settleCharge(app, ref, 'commit_unknown') : undefined
      if (outcome !== 'committed') {
        const code = (err as { code?: string }).code
        if (outcome === undefined && code !== 'CHARGE_REFUNDED' && code !== 'CHARGE_EXPIRED') throw err
        // Refunded (a cancel whose runner was thought gone, the sweeper): nothing is shown.
        const error = jobError(err)
        if (cancelling)
          await app.jobs.close(lease.jobId, lease.createdAt, 'cancelled', undefined, failedEvent(app, causeId, job, 'CANCELLED'))
        else await app.jobs.close(lease.jobId, lease.createdAt, 'failed', error, failedEvent(app, causeId, job, error.code))
        await app.jobQueue.delete(lease)
        return
      }
    }
    await app.jobs.finish(lease.jobId, lease.createdAt, completedEvent(app, causeId))
    await app.jobQueue.delete(lease)
  }

  // Results kept by an earlier attempt that died before showing them: the same seed would give them again.
  if (job.results_kept) return commitAndShow(job.results_runs ?? job.progress.runs_total, job.status === 'cancelling')
  // Cancelled while its runner was running it, and that runner is gone: nothing of it was kept.
  if (job.status === 'cancelling') return cancelInFull()
  if (Date.now() >= job.job_deadline) return fail(new JobDeadlineError(Math.round((job.job_deadline - Date.parse(job.created_at)) / 1000)))
  if (lease.attempt > options.maxAttempts) return fail(new JobAttemptsError(lease.attempt - 1))

  const lost = new AbortController()
  const heartbeat = setInterval(
    () => {
      app.jobQueue.extend(lease, options.leaseMs).then(
        (held) => held || lost.abort(new JobLostError()),
        // The database did not answer: the lease has time left, the next beat tries again.
        (err: unknown) => app.log.warn({ err, job_id: lease.jobId }, 'could not extend a job lease'),
      )
    },
    Math.max(100, Math.floor(options.leaseMs / 3)),
  )
  const deadline = setTimeout(
    () => lost.abort(new JobDeadlineError(Math.round((job.job_deadline - Date.parse(job.created_at)) / 1000))),
    Math.max(1, job.job_deadline - Date.now()),
  )
  const signal = AbortSignal.any([lost.signal, options.stopping])
  /** Aborted when the job is cancelled while running: the study ends with the runs finished. */
  const stop = new AbortController()
  let ticket: Ticket | undefined
  let run: JobResults
  try {
    // Jobs share the run slots with requests: one waits its turn like a request (all jobs as one user).
    ticket = app.workQueue.admit('#jobs')
    await ticket.start(signal)
    if (!(await app.jobs.start(lease, Date.now()))) {
      // Settled meanwhile, or cancelled while a runner before this one had it (nothing was kept): refunded in full.
      if ((await app.jobs.read(lease.jobId, lease.createdAt))?.status === 'cancelling') await cancelInFull()
      else await app.jobQueue.delete(lease)
      return
    }
    const startedAt = Date.now()
    let lastWrite = startedAt
    const onProgress = (done: number, total: number) => {
      const now = Date.now()
      if (now - lastWrite < options.progressEveryMs || done >= total) return
      lastWrite = now
      // The rate of this attempt so far: what is left at that rate.
      const etaS = Math.round(((total - done) * (now - startedAt)) / done / 100) / 10
      app.jobs.progress(lease, done, etaS).then(
        (view) => {
          if (view === 'cancelling') stop.abort(new JobCancelledError())
          else if (view === 'lost') lost.abort(new JobLostError())
        },
        (err: unknown) => app.log.warn({ err, job_id: lease.jobId }, 'could not write job progress'),
      )
    }
    const work =
      job.mode === 'optimize'
        ? app.engine.optimize(job.strategy_data as OptimizeBody, signal, onProgress, stop.signal).then(optimizeJobResults)
        : app.engine.simulate(job.strategy_data as EngineRequest, signal, onProgress, stop.signal)
    run = await work.catch((err: unknown) => {
      if (err instanceof RaceSimError || signal.aborted || stop.signal.aborted) throw err
      throw new EngineFailedError({ cause: err })
    })
    signal.throwIfAborted()
  } catch (err) {
    if (lost.signal.reason instanceof JobLostError) {
      // Settled meanwhile (still ours: out of the queue), or taken by another runner (then this deletes nothing).
      await app.jobQueue.delete(lease)
      return
    }
    if (err === stop.signal.reason) {
      // Cancelled before any chunk of the study finished: nothing to keep.
      await cancelInFull()
      return
    }
    const code = (err as { code?: string }).code
    if (options.stopping.aborted || code === 'SHUTTING_DOWN' || code === 'SIMULATION_BUSY') {
      // Stopping, or no slot: the job runs again from the start on the next runner.
      await app.jobQueue.release(lease)
      return
    }
    await fail(err)
    return
  } finally {
    clearInterval(heartbeat)
    clearTimeout(deadline)
    ticket?.release()
  }
  const runs = runsCovered(run, job.progress.runs_total)
  const kept = await app.jobs.keep(lease, run, runs)
  if (!kept) return
  await commitAndShow(runs, kept === 'cancelling')
}
