// Simulations: run and store (POST /users/:userId/simulations), list a user's, read one.
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import {
  SimulationIdParamsSchema,
  SimulationListQuerySchema,
  SimulationOwnerQuerySchema,
  SimulationPageSchema,
  SimulationRequestSchema,
  SimulationSchema,
  SimulationWireSchema,
  type Simulation,
} from '@f1/contracts/simulations'
import { RaceSimError } from '@f1/race-sim/errors'
import type { ServiceApp } from '@f1/service-kit'
import { withoutDeadline } from '@f1/service-kit/deadline'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { decodeTime, monotonicFactory } from 'ulid'
import { EngineFailedError, OperationTakenError, SimulationNotFoundError } from '../../errors.ts'
import { completedEvent } from '../../lib/completed-event.ts'
import { runMetered } from '../../lib/metered.ts'
import { answerJob, cancelJob, runsAsJob, simulationJob } from '../../lib/jobs.ts'
import { settlePending } from '../../lib/pending.ts'
import type { EngineRun } from '../../plugins/engine.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema, 504: ErrorBodySchema }

export interface SimulationRoutesOptions {
  /** The clock of the ids (and so of created_at) of simulations run without an operation. */
  now: () => Date
  /** The longest a run may take when its caller sets no budget. */
  maxBudgetMs: number
  /** Monte Carlo requests charged more runs than this run as jobs (202). */
  jobAboveRuns: number
  /** A job's deadline, from its submission. */
  jobMaxMs: number
}

// One object for the route's cache of compiled serializers (a plain object, as Fastify's types want).
const wireSchema = { ...SimulationWireSchema }

/**
 * A simulation answered is written by SimulationWireSchema: SimulationSchema documents its results,
 * JSON.stringify writes them (why: @f1/contracts/simulations). Errors keep their schema.
 */
async function writeResultsAsJson(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (reply.statusCode < 300) reply.serializer(reply.compileSerializationSchema(wireSchema))
  return payload
}

/** The coded error's code (RaceSimError, ENGINE_FAILED, DEPENDENCY_UNAVAILABLE, ...), for Simulation Failed. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'INTERNAL_ERROR'
}

// Refusals at the door: nothing ran and nothing stays charged, so there is no failure to report.
const REFUSALS = new Set([
  'SIMULATION_BUSY',
  'SHUTTING_DOWN',
  'QUOTA_EXCEEDED',
  'CHARGE_REFUNDED',
  'CHARGE_ID_REUSED',
  'OPERATION_ID_TAKEN',
])

export default async function simulationRoutes(app: ServiceApp, options: SimulationRoutesOptions) {
  const newId = monotonicFactory()

  /** The answer an operation already has: its simulation once shown (settled first if it was left hidden). */
  async function earlierAnswer(userId: string, simulationId: string, requestId: string): Promise<Simulation | undefined> {
    const state = await app.simulations.simulationState(simulationId)
    if (state.state === 'absent') return undefined
    if (state.owner !== userId) throw new OperationTakenError(simulationId)
    if (state.state === 'pending') {
      const settled = await settlePending(
        app,
        { simulationId, createdAt: state.createdAt, owner: userId },
        { requestId, refundHeld: false },
      )
      if (settled !== 'shown') return undefined
    }
    return app.simulations.findSimulation(simulationId, userId)
  }

  app.post(
    '/users/:userId/simulations',
    {
      config: { budgetMs: options.maxBudgetMs },
      preSerialization: writeResultsAsJson,
      schema: {
        summary: 'Run a simulation and store its result',
        description:
          "In race and monte_carlo modes the strategy replaces the driver's and every other car keeps the parameter file's. " +
          'With an operation, its charges are held before the run, committed once the result is stored and refunded if it ' +
          'is not; the same operation again answers the stored simulation without running or charging twice. ' +
          'An engine rejection is a 400 with its code (INVALID_STRATEGY, UNKNOWN_DRIVER, ...). A full queue is a 503 ' +
          'SIMULATION_BUSY with Retry-After, before anything is charged. The run stops when the caller hangs up or its ' +
          'budget (x-request-budget-ms) runs out. A Monte Carlo study charged more runs than SIMULATION_JOB_ABOVE_RUNS, or with ' +
          'sensitivity, runs as a job: 202 with the queued simulation (status, progress), its charge held until the job ends.',
        params: UserIdParamsSchema,
        body: SimulationRequestSchema,
        response: { 201: SimulationSchema, 202: SimulationSchema, 409: ErrorBodySchema, 429: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const { userId } = request.params
      const { operation, ...simulation } = request.body
      const simulationId = operation?.id ?? newId(options.now().getTime())
      const createdAt = new Date(decodeTime(simulationId))
      if (runsAsJob(simulation, options.jobAboveRuns)) {
        return answerJob(app, request, reply, {
          userId,
          simulationId,
          operation,
          request: simulation,
          resolve: simulationJob,
          maxMs: options.jobMaxMs,
        })
      }
      if (operation) {
        const earlier = await earlierAnswer(userId, simulationId, request.id)
        if (earlier) return reply.code(201).header('idempotent-replayed', 'true').send(earlier)
      }
      const charged = operation !== undefined && operation.charges.length > 0
      let run: EngineRun | undefined
      let stored: Simulation | undefined
      try {
        await runMetered(app, request, userId, operation, {
          work: async (signal) => {
            run = await app.engine.simulate(simulation, signal).catch((err: unknown) => {
              if (err instanceof RaceSimError || signal.aborted) throw err
              throw new EngineFailedError({ cause: err })
            })
            return run
          },
          keep: async (done, holdUntil) => {
            const input = {
              simulationId,
              userId,
              createdAt,
              trackId: done.trackId,
              season: done.season,
              mode: done.mode,
              driver: done.driver,
              strategyData: simulation,
              results: done.results,
              totalTime: done.totalTime,
            }
            stored = await app.simulations.saveSimulation(input, charged ? holdUntil : undefined, completedEvent(app, request.id))
          },
          ...(charged
            ? {
                show: () => app.simulations.showSimulation(simulationId, createdAt.toISOString(), completedEvent(app, request.id)),
                drop: () => app.simulations.discardSimulation(simulationId, createdAt.toISOString()),
              }
            : {}),
        })
      } catch (err) {
        if (!REFUSALS.has(errorCode(err))) {
          // For the action log, and a second way for the charge to come back should the direct refund have failed.
          const failed = { track_id: run?.trackId ?? simulation.track_id, mode: simulation.mode, error_code: errorCode(err) }
          await withoutDeadline(() =>
            app.outbox.write('SimulationFailed', request, userId, {
              simulation_id: null,
              ...failed,
              ...(charged ? { charge_id: simulationId } : {}),
            }),
          ).catch((writeErr: unknown) =>
            request.log.error({ err: writeErr }, 'could not record Simulation Failed; the charge sweeper refunds'),
          )
        }
        throw err
      }
      return reply.code(201).send(stored!)
    },
  )

  app.get(
    '/users/:userId/simulations',
    {
      schema: {
        summary: "A user's simulations without their results, newest first, with cursor pagination",
        params: UserIdParamsSchema,
        querystring: SimulationListQuerySchema,
        response: { 200: SimulationPageSchema, ...errors },
      },
    },
    async (request) => {
      const page = await app.simulations.listSimulations(request.params.userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      })
      return { simulations: page.simulations, next_cursor: page.nextCursor }
    },
  )

  app.delete(
    '/simulations/:simulationId',
    {
      preSerialization: writeResultsAsJson,
      schema: {
        summary: 'Cancel a queued or running job of its owner',
        description:
          'A queued job is refunded in full and ends cancelled with nothing kept. A running job stops (its runner sees the ' +
          'cancel within about a second), keeps the runs it finished: its results cover those runs only (`partial`: true, ' +
          '`progress.runs_done`, `results.runs`), its charge is committed for them (runs done x races per run, and the ' +
          'simulation) and the rest is given back; with no run finished, or when its runner is gone, it is refunded in full ' +
          'and keeps nothing. 200 the cancelled job once settled (waiting up to 3 s, less within a shorter budget); 202 the job still `cancelling` ' +
          'otherwise (read it until cancelled). Again: the same. 409 JOB_NOT_CANCELLABLE when it is done (also when its ' +
          "study finished before the cancel reached it) or failed, or not a job; 404 when absent or another user's.",
        params: SimulationIdParamsSchema,
        querystring: SimulationOwnerQuerySchema,
        response: { 200: SimulationSchema, 202: SimulationSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const job = await cancelJob(app, request.query.user_id, request.params.simulationId, request.id, request.deadline)
      return reply.code(job.status === 'cancelling' ? 202 : 200).send(job)
    },
  )

  app.get(
    '/simulations/:simulationId',
    {
      preSerialization: writeResultsAsJson,
      schema: {
        summary: 'One simulation with its results, for its owner',
        description: "`user_id` is the caller's user (the gateway's JWT subject): another user's simulation is a 404, not a 403.",
        params: SimulationIdParamsSchema,
        querystring: SimulationOwnerQuerySchema,
        response: { 200: SimulationSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const { simulationId } = request.params
      const simulation = await app.simulations.findSimulation(simulationId, request.query.user_id)
      if (!simulation) throw new SimulationNotFoundError(simulationId)
      return simulation
    },
  )
}
