// Simulations that run as jobs (and optimizer requests with a Monte Carlo re-evaluation): which
// requests do, their submission (charge held for the job's whole life, the queued item stored, 202)
// and their cancel (a queued job refunded and ended cancelled with Simulation Failed; a running one
// asked to stop, keeping its runs done). The run itself is job-runner.ts's.
import { setTimeout as sleep } from 'node:timers/promises'
import { CANCEL_WAIT_MS } from '@f1/contracts/jobs'
import { DEFAULT_MONTE_CARLO_RUNS, racesPerRun, type Operation, type Simulation, type StoredMode } from '@f1/contracts/simulations'
import { resolveOptimization } from '@f1/race-sim/optimizer'
import { resolveRequest } from '@f1/race-sim/simulate'
import { callOutcome } from '@f1/service-kit/service-client'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { decodeTime } from 'ulid'
import { JobNotCancellableError, OperationTakenError, SimulationNotFoundError } from '../errors.ts'
import type { EngineRequest } from '../plugins/engine.ts'
import { failedEvent, refundOrShow } from './job-runner.ts'
import { settleCharge } from './metered.ts'

/** How often a cancel reads a cancelling job while it waits for its runner. */
const CANCEL_POLL_MS = 100
/** Time a cancel keeps, of its caller's deadline, to read the job and answer after waiting. */
const ANSWER_RESERVE_MS = 500

/** A job's charge stays held this long past its deadline: time for a runner that finished just in time to commit. */
export const JOB_HOLD_MARGIN_MS = 60_000

/** Whether a request runs as a job: a Monte Carlo study charged more than `aboveRuns` runs, or any sensitivity study. */
export function runsAsJob(request: EngineRequest, aboveRuns: number): boolean {
  if (request.mode !== 'monte_carlo') return false
  return request.sensitivity !== undefined || (request.runs ?? DEFAULT_MONTE_CARLO_RUNS) * racesPerRun(request) > aboveRuns
}

/** What a job's item says of its request: resolved against the catalog, with the runs of its study. */
export interface JobSpec {
  trackId: string
  season: number
  mode: StoredMode
  driver: string | undefined
  runs: number
}

/** A simulation request's job: RaceSimError (400) on bad input. */
export function simulationJob(request: Record<string, unknown>): JobSpec {
  const r = resolveRequest(request)
  return { trackId: r.race.trackId, season: r.race.season, mode: r.mode, driver: r.driver, runs: r.runs }
}

/** An optimizer request's job (its re-evaluation): RaceSimError (400) on bad input, found by the free-track search. */
export function optimizeJob(body: Record<string, unknown>): JobSpec {
  const r = resolveOptimization(body)
  return { trackId: r.catalogRace.trackId, season: r.catalogRace.season, mode: 'optimize', driver: r.found.driver, runs: r.runs }
}

/**
 * Stores a job for `request` under `operation` (its id is the job's and its charge's) and charges it,
 * held until the job's deadline. The same operation again answers the job as it stands (replayed).
 * `resolve` checks the request (simulationJob, optimizeJob) before anything is charged or stored.
 */
export async function submitJob(
  app: FastifyInstance,
  input: {
    userId: string
    simulationId: string
    operation: Operation | undefined
    request: Record<string, unknown>
    resolve: (request: Record<string, unknown>) => JobSpec
    requestId: string
    maxMs: number
  },
): Promise<{ job: Simulation; replayed: boolean }> {
  const { userId, simulationId, operation, request } = input
  const earlier = await app.simulations.simulationState(simulationId)
  if (earlier.state !== 'absent') {
    if (earlier.owner !== userId) throw new OperationTakenError(simulationId)
    const job = await app.simulations.findSimulation(simulationId, userId)
    if (job) return { job, replayed: true }
  }
  // A bad request is a 400 now, before any charge (the runner would only fail it later).
  const resolved = input.resolve(request)
  const deadline = Date.now() + input.maxMs
  const charge = operation && operation.charges.length > 0 ? { userId, chargeId: simulationId, requestId: input.requestId } : undefined
  let charged = false
  try {
    if (charge) {
      try {
        await app.usageCharges.create({ ...charge, lines: operation!.charges, holdMs: deadline + JOB_HOLD_MARGIN_MS - Date.now() })
      } catch (err) {
        if (callOutcome(err) !== 'answered') charged = true
        throw err
      }
      charged = true
    }
    const job = await app.jobs.create({
      simulationId,
      userId,
      createdAt: new Date(decodeTime(simulationId)),
      trackId: resolved.trackId,
      season: resolved.season,
      mode: resolved.mode,
      driver: resolved.driver,
      strategyData: request,
      runsTotal: resolved.runs,
      deadline,
      charged: charge !== undefined,
    })
    if (job) return { job, replayed: false }
    // Stored meanwhile by a retry of the same operation: its job is the answer.
    charged = false
    const stored = await app.simulations.findSimulation(simulationId, userId)
    if (!stored) throw new OperationTakenError(simulationId)
    return { job: stored, replayed: true }
  } catch (err) {
    if (charged) {
      await settleCharge(app, charge!, 'job_not_stored').catch((settleErr: unknown) =>
        app.log.error({ err: settleErr, charge_id: simulationId }, 'could not refund a job not stored; the charge sweeper will'),
      )
    }
    throw err
  }
}

/** Submits a job (submitJob) and answers it 202: a new one wakes the runners, a replay says so. */
export async function answerJob(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  input: Omit<Parameters<typeof submitJob>[1], 'requestId'>,
): Promise<FastifyReply> {
  const { job, replayed } = await submitJob(app, { ...input, requestId: request.id })
  if (replayed) reply.header('idempotent-replayed', 'true')
  else void app.pollJobs().catch((err: unknown) => request.log.warn({ err }, 'could not start jobs; the next poll will'))
  return reply.code(202).send(job)
}

/**
 * Cancels a queued or running job of `userId`. Queued (no runner yet): its charge is refunded and it
 * ends cancelled with nothing kept. Running: it is set `cancelling`; its runner sees that at its next
 * progress write (about a second), stops the study, keeps the runs finished, commits the charge for
 * those runs only and ends it cancelled with `partial` results (none finished: refunded in full). A
 * cancelling job whose runner is gone (its lease ran out) with nothing kept is refunded in full and
 * ended here. Waits up to CANCEL_WAIT_MS (less within a shorter deadline) for the job to settle and answers it: `cancelled` (or, should the
 * study have finished meanwhile, 409 as done), or still `cancelling`. Again: the same. Done or
 * failed: 409 JOB_NOT_CANCELLABLE. Absent or someone else's: 404.
 */
export async function cancelJob(
  app: FastifyInstance,
  userId: string,
  jobId: string,
  requestId: string,
  /** Epoch ms by which the caller needs the answer: the wait ends before it (and after CANCEL_WAIT_MS at most). */
  deadline: number,
): Promise<Simulation> {
  const state = await app.simulations.simulationState(jobId)
  if (state.state !== 'shown' || state.owner !== userId) throw new SimulationNotFoundError(jobId)
  const ref = { userId, chargeId: jobId, requestId }
  const until = Math.min(Date.now() + CANCEL_WAIT_MS, deadline - ANSWER_RESERVE_MS)
  for (;;) {
    const job = await app.jobs.read(jobId, state.createdAt)
    if (!job) throw new JobNotCancellableError(jobId, 'it is not a job')
    if (job.status === 'queued') {
      if (job.job_charged && (await settleCharge(app, ref, 'cancelled')) === 'committed')
        throw new JobNotCancellableError(jobId, 'it has finished')
      await app.jobs.close(jobId, state.createdAt, 'cancelled', undefined, failedEvent(app, requestId, job, 'CANCELLED'))
      continue
    }
    if (job.status === 'running') {
      await app.jobs.requestCancel(jobId, state.createdAt)
      continue
    }
    if (job.status !== 'cancelling') break
    if (!job.results_kept && (job.job_visible_at ?? 0) <= Date.now()) {
      // Its runner is gone (or gave it back): nothing was kept, so all of it comes back. A runner that
      // kept results and committed meanwhile wins (the commit decides): its results are shown.
      await refundOrShow(app, job, requestId, { status: 'cancelled', code: 'CANCELLED', reason: 'cancelled' })
      continue
    }
    if (Date.now() >= until) break
    await sleep(CANCEL_POLL_MS)
  }
  const now = await app.simulations.findSimulation(jobId, userId)
  if (!now) throw new SimulationNotFoundError(jobId)
  if (now.status === 'done') throw new JobNotCancellableError(jobId, 'it has finished')
  if (now.status !== 'cancelled' && now.status !== 'cancelling')
    throw new JobNotCancellableError(jobId, `it is ${now.status ?? 'not a job'}`)
  return now
}
