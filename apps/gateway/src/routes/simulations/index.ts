// /api/simulations, /api/strategies/optimize: plan-gated simulations, and /api/tracks.
import Type from 'typebox'
import { ErrorBodySchema } from '@f1/contracts/errors'
import {
  DEFAULT_MONTE_CARLO_RUNS,
  MAX_MONTE_CARLO_RUNS,
  OptimizeBodySchema,
  OptimizeResultSchema,
  SimulationIdParamsSchema,
  SimulationListQuerySchema,
  SimulationPageSchema,
  SimulationRequestSchema,
  SimulationSchema,
  SimulationWireSchema,
  optimizeStudyRuns,
  type Simulation,
  racesPerRun,
} from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { runOperation, type Charge } from '../../lib/operations.ts'
import { IdempotencyHeadersSchema } from '../../plugins/idempotency.ts'
import { SIGNED_IN } from '../../lib/security.ts'

const { operation: _, ...publicRequest } = SimulationRequestSchema.properties
const PublicSimulationRequestSchema = Type.Object(publicRequest, { additionalProperties: false })
const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
  429: ErrorBodySchema,
  503: ErrorBodySchema,
  504: ErrorBodySchema,
}

export interface SimulationRoutesOptions {
  /** The longest a simulation may take, end to end. */
  runBudgetMs: number
}

/** A key is held a little longer than its request can run, so a retry never overlaps the first attempt. */
const LEASE_MARGIN_MS = 10_000

// One object for the route's cache of compiled serializers (a plain object, as Fastify's types want).
const wireSchema = { ...SimulationWireSchema }

/**
 * A simulation answered (idempotent replays too) is written by SimulationWireSchema: SimulationSchema
 * documents its results, JSON.stringify writes them (why: @f1/contracts/simulations). Errors keep theirs.
 */
async function writeResultsAsJson(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (reply.statusCode < 300) reply.serializer(reply.compileSerializationSchema(wireSchema))
  return payload
}

/** The optimizer's job (202) is a simulation, written as above; its 200 (the strategies) keeps its schema. */
async function writeJobAsJson(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  return reply.statusCode === 202 ? writeResultsAsJson(request, reply, payload) : payload
}

/** A job has a status: it is answered at once and read back at its URL. */
const isJob = (answer: object): answer is Simulation => 'status' in answer && answer.status !== undefined

function answerJob(reply: FastifyReply, job: Simulation) {
  return reply.code(202).header('location', `/api/simulations/${encodeURIComponent(job.simulation_id)}`).send(job)
}

export default async function simulationRoutes(app: ServiceApp, options: SimulationRoutesOptions) {
  app.usePlanSecurity()
  const runConfig = {
    budgetMs: options.runBudgetMs,
    idempotency: {
      leaseMs: options.runBudgetMs + LEASE_MARGIN_MS,
      // A simulation's answer (a job's too) is stored already: the key keeps its id and replays read it back.
      reference: {
        of: (body: unknown) => (body as { simulation_id?: string } | null)?.simulation_id,
        read: (request: FastifyRequest, id: string) =>
          app.simulationService.get({ userId: request.user.sub, simulationId: id, requestId: request.id }),
      },
    },
  }

  app.post(
    '/api/simulations',
    {
      config: runConfig,
      preSerialization: writeResultsAsJson,
      schema: {
        summary: 'Run a simulation (single car, full race or Monte Carlo) and store it',
        description:
          `Charges one simulation_run, and for monte_carlo one monte_carlo_run per run (max ${MAX_MONTE_CARLO_RUNS}) and race it runs ` +
          '(its own, compare_strategy, each swept value): kept when the ' +
          'result is stored, given back in full when it is not. Send an Idempotency-Key to retry safely: the same key and body ' +
          'answer the first result (idempotent-replayed: true) without running or charging again; another body is 422; while ' +
          'the first runs, 409 IDEMPOTENCY_KEY_IN_USE. 503 SIMULATION_BUSY (Retry-After) when the simulators are full, before any charge. ' +
          "A Monte Carlo study charged more runs than the service's job threshold (20,000 by default), or with sensitivity, runs as a job: " +
          '202 with the queued simulation (status, progress; no results) and Location: /api/simulations/<id>, to read until its status is ' +
          'done (results), failed (error; refunded) or cancelled (refunded; or, cancelled while running, `partial` results over ' +
          'the runs done, charged for those runs only). Its charge stays held until it ends.',
        tags: ['simulations'],
        security: SIGNED_IN,
        headers: IdempotencyHeadersSchema,
        body: PublicSimulationRequestSchema,
        response: { 201: SimulationSchema, 202: SimulationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const userId = request.user.sub
      const charges: Charge[] = [{ feature: 'simulation_run', amount: 1 }]
      if (request.body.mode === 'monte_carlo')
        charges.push({ feature: 'monte_carlo_run', amount: (request.body.runs ?? DEFAULT_MONTE_CARLO_RUNS) * racesPerRun(request.body) })
      const simulation = await runOperation(app, request, charges, (operation, call) =>
        app.simulationService.run({ userId, body: request.body, operation, requestId: request.id, ...call }),
      )
      if (isJob(simulation)) return answerJob(reply, simulation)
      return reply.code(201).send(simulation)
    },
  )

  app.get(
    '/api/simulations',
    {
      schema: {
        summary: 'Your simulations, newest first (without results)',
        tags: ['simulations'],
        security: SIGNED_IN,
        querystring: SimulationListQuerySchema,
        response: { 200: SimulationPageSchema, ...errors },
      },
    },
    async (request) => app.simulationService.list({ userId: request.user.sub, query: request.query, requestId: request.id }),
  )

  app.get(
    '/api/simulations/:simulationId',
    {
      preSerialization: writeResultsAsJson,
      schema: {
        summary: "One of your simulations with its results (another user's id is a 404)",
        description:
          'A job also has status (queued, running, cancelling, done, failed, cancelled), progress {runs_done, runs_total}, eta_s (seconds ' +
          'left at its measured rate; null until known) and, when failed, error {code, message}; results once done, or once ' +
          'cancelled while running with partial: true (results over progress.runs_done runs only).',
        tags: ['simulations'],
        security: SIGNED_IN,
        params: SimulationIdParamsSchema,
        response: { 200: SimulationSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) =>
      app.simulationService.get({ userId: request.user.sub, simulationId: request.params.simulationId, requestId: request.id }),
  )

  app.delete(
    '/api/simulations/:simulationId',
    {
      preSerialization: writeResultsAsJson,
      schema: {
        summary: 'Cancel one of your queued or running jobs',
        description:
          'A queued job is refunded in full; nothing of it is kept. A running job stops within about a second and keeps ' +
          'the runs it finished: it ends cancelled with `partial`: true and results over `progress.runs_done` runs ' +
          '(`results.runs`), charged for those runs only (monte_carlo_run: runs done x races per run; simulation_run: 1), the ' +
          'rest given back. With no run finished (or when its runner died) it is refunded in full and keeps nothing. ' +
          '200 the cancelled job; 202 the job still `cancelling` when it has not settled within 3 s (read it until it is ' +
          'cancelled). Cancelling again answers the same. 409 JOB_NOT_CANCELLABLE when it is done (its study finished before ' +
          "the cancel reached it) or failed, or not a job; another user's id is a 404.",
        tags: ['simulations'],
        security: SIGNED_IN,
        params: SimulationIdParamsSchema,
        response: { 200: SimulationSchema, 202: SimulationSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const job = await app.simulationService.cancel({
        userId: request.user.sub,
        simulationId: request.params.simulationId,
        requestId: request.id,
      })
      return reply.code(job.status === 'cancelling' ? 202 : 200).send(job)
    },
  )

  app.post(
    '/api/strategies/optimize',
    {
      config: runConfig,
      preSerialization: writeJobAsJson,
      schema: {
        summary: 'The fastest 1-, 2- and 3-stop strategies for a driver (strategy_compare: pro and team)',
        description:
          'Charges one strategy_compare, and with evaluate_runs one monte_carlo_run per run of the re-evaluation study ' +
          "(each stop count's fastest: three per run). Without evaluate_runs: 200 with the strategies (nothing stored). " +
          'With evaluate_runs the request runs as a job: 202 with the queued simulation (mode optimize) and Location: ' +
          '/api/simulations/<id>, read (progress, eta_s) and cancelled there like any job; once done its results are ' +
          "this route's 200 body. A cancel while running keeps the re-evaluation's runs done (in_monte_carlo.runs) and " +
          'charges three monte_carlo_run for each. The same Idempotency-Key answers the same strategies, or the same job.',
        tags: ['simulations'],
        security: SIGNED_IN,
        headers: IdempotencyHeadersSchema,
        body: OptimizeBodySchema,
        response: { 200: OptimizeResultSchema, 202: SimulationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const userId = request.user.sub
      const charges: Charge[] = [{ feature: 'strategy_compare', amount: 1 }]
      const studyRuns = optimizeStudyRuns(request.body)
      if (studyRuns > 0) charges.push({ feature: 'monte_carlo_run', amount: studyRuns })
      const answer = await runOperation(app, request, charges, (operation, call) =>
        app.simulationService.optimize({ userId, body: request.body, operation, requestId: request.id, ...call }),
      )
      if (isJob(answer)) return answerJob(reply, answer)
      return reply.code(200).send(answer)
    },
  )
}
