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
  type Simulation,
} from '@f1/contracts/simulations'
import { RaceSimError } from '@f1/race-sim/errors'
import type { ServiceApp } from '@f1/service-kit'
import { EngineFailedError, SimulationNotFoundError } from '../../errors.ts'
import type { EngineRun } from '../../plugins/engine.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export interface SimulationRoutesOptions {
  now: () => Date
}

/** The coded error's code (RaceSimError, ENGINE_FAILED, DEPENDENCY_UNAVAILABLE, ...), for Simulation Failed. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'INTERNAL_ERROR'
}

export default async function simulationRoutes(app: ServiceApp, options: SimulationRoutesOptions) {
  app.post(
    '/users/:userId/simulations',
    {
      schema: {
        summary: 'Run a simulation and store its result',
        description:
          "In race and monte_carlo modes the strategy replaces the driver's and every other car keeps the parameter file's. " +
          'An engine rejection is a 400 with its code (INVALID_STRATEGY, UNKNOWN_DRIVER, ...); nothing is stored then, and ' +
          "Simulation Failed is published with the request's quota so that it is given back.",
        params: UserIdParamsSchema,
        body: SimulationRequestSchema,
        response: { 201: SimulationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { userId } = request.params
      const { quota = [], ...simulation } = request.body
      let run: EngineRun | undefined
      let stored: Simulation
      try {
        run = await app.engine.simulate(simulation).catch((err: unknown) => {
          throw err instanceof RaceSimError ? err : new EngineFailedError({ cause: err })
        })
        stored = await app.simulations.saveSimulation({
          userId,
          createdAt: options.now(),
          trackId: run.trackId,
          season: run.season,
          mode: run.mode,
          driver: run.driver,
          strategyData: simulation,
          results: run.results,
          totalTime: run.totalTime,
        })
      } catch (err) {
        // Whatever stopped it (bad input, the engine, the database), nothing is stored and the quota goes back.
        app.events.publish('SimulationFailed', request, userId, {
          simulation_id: null,
          track_id: run?.trackId ?? simulation.track_id,
          mode: simulation.mode,
          error_code: errorCode(err),
          quota,
        })
        throw err
      }
      app.events.publish('SimulationCompleted', request, userId, {
        simulation_id: stored.simulation_id,
        track_id: run.trackId,
        mode: run.mode,
        total_time: run.totalTime,
      })
      return reply.code(201).send(stored)
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

  app.get(
    '/simulations/:simulationId',
    {
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
