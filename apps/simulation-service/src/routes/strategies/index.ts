// POST /users/:userId/strategies/optimize: the fastest 1-, 2- and 3-stop strategies of a driver;
// with a Monte Carlo re-evaluation (evaluate_runs), a job stored as a simulation with mode optimize.
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { OptimizeRequestSchema, OptimizeResultSchema, SimulationSchema, SimulationWireSchema } from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { monotonicFactory } from 'ulid'
import { answerJob, optimizeJob } from '../../lib/jobs.ts'
import { runMetered } from '../../lib/metered.ts'

export interface StrategyRoutesOptions {
  /** The clock of the ids of jobs submitted without an operation. */
  now: () => Date
  /** The longest a search may take when its caller sets no budget. */
  maxBudgetMs: number
  /** A job's deadline, from its submission. */
  jobMaxMs: number
}

// One object for the route's cache of compiled serializers (a plain object, as Fastify's types want).
const wireSchema = { ...SimulationWireSchema }

/** A job (202) is written as simulations are (why: @f1/contracts/simulations); the 200 result by its schema. */
async function writeJobAsJson(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (reply.statusCode === 202) reply.serializer(reply.compileSerializationSchema(wireSchema))
  return payload
}

export default async function strategyRoutes(app: ServiceApp, options: StrategyRoutesOptions) {
  const newId = monotonicFactory()

  app.post(
    '/users/:userId/strategies/optimize',
    {
      config: { budgetMs: options.maxBudgetMs },
      preSerialization: writeJobAsJson,
      schema: {
        summary: 'Fastest 1-, 2- and 3-stop strategies of a driver on a free track, re-evaluated in the race and in Monte Carlo',
        description:
          'Without evaluate_runs: answered at once (200, nothing stored). With an operation, its charges are held before the ' +
          'search and committed once it succeeds (refunded if it fails); the same operation again is answered without ' +
          'charging twice (the search is deterministic). With evaluate_runs above 0 the request runs as a job: 202 with the ' +
          "queued simulation (mode optimize; its id the operation's), read and cancelled at /simulations/:id like any job; " +
          "its results are this route's 200 body. A bad request is a 400 before anything is charged or queued.",
        params: UserIdParamsSchema,
        body: OptimizeRequestSchema,
        response: {
          200: OptimizeResultSchema,
          202: SimulationSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          409: ErrorBodySchema,
          429: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params
      const { operation, ...body } = request.body
      if ((body.evaluate_runs ?? 0) > 0) {
        return answerJob(app, request, reply, {
          userId,
          simulationId: operation?.id ?? newId(options.now().getTime()),
          operation,
          request: body,
          resolve: optimizeJob,
          maxMs: options.jobMaxMs,
        })
      }
      // The search (a few milliseconds of dynamic programming) and the race re-evaluation run here.
      return runMetered(app, request, userId, operation, { work: (signal) => app.engine.optimize(body, signal) })
    },
  )
}
