// /api/simulations, /api/strategies/optimize: plan-gated simulations, and /api/tracks.
import Type from 'typebox'
import { ErrorBodySchema } from '@f1/contracts/errors'
import {
  MAX_MONTE_CARLO_RUNS,
  OptimizeBodySchema,
  OptimizeResultSchema,
  SimulationIdParamsSchema,
  SimulationListQuerySchema,
  SimulationPageSchema,
  SimulationRequestSchema,
  SimulationSchema,
} from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'
import { withCharges, type Charge } from '../../lib/quota.ts'

// The engine's default study size, charged when the request does not say.
const DEFAULT_RUNS = 1000
const { quota: _, ...publicRequest } = SimulationRequestSchema.properties
const PublicSimulationRequestSchema = Type.Object(publicRequest, { additionalProperties: false })
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema }

export default async function simulationRoutes(app: ServiceApp) {
  app.usePlanSecurity()

  app.post(
    '/api/simulations',
    {
      schema: {
        summary: 'Run a simulation (single car, full race or Monte Carlo) and store it',
        description: `Consumes one simulation_run, and for monte_carlo one monte_carlo_run per run (max ${MAX_MONTE_CARLO_RUNS}); refunded if it fails.`,
        tags: ['simulations'],
        security: [{ bearerAuth: [] }],
        body: PublicSimulationRequestSchema,
        response: { 201: SimulationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const userId = request.user.sub
      const charges: Charge[] = [{ feature: 'simulation_run', amount: 1 }]
      if (request.body.mode === 'monte_carlo') charges.push({ feature: 'monte_carlo_run', amount: request.body.runs ?? DEFAULT_RUNS })
      const simulation = await withCharges(app, request, userId, request.planId, charges, (quota) =>
        app.simulationService.run({ userId, body: request.body, quota, requestId: request.id }),
      )
      return reply.code(201).send(simulation)
    },
  )

  app.get(
    '/api/simulations',
    {
      schema: {
        summary: 'Your simulations, newest first (without results)',
        tags: ['simulations'],
        security: [{ bearerAuth: [] }],
        querystring: SimulationListQuerySchema,
        response: { 200: SimulationPageSchema, ...errors },
      },
    },
    async (request) => app.simulationService.list({ userId: request.user.sub, query: request.query, requestId: request.id }),
  )

  app.get(
    '/api/simulations/:simulationId',
    {
      schema: {
        summary: "One of your simulations with its results (another user's id is a 404)",
        tags: ['simulations'],
        security: [{ bearerAuth: [] }],
        params: SimulationIdParamsSchema,
        response: { 200: SimulationSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) =>
      app.simulationService.get({ userId: request.user.sub, simulationId: request.params.simulationId, requestId: request.id }),
  )

  app.post(
    '/api/strategies/optimize',
    {
      schema: {
        summary: 'The fastest 1-, 2- and 3-stop strategies for a driver (strategy_compare: pro and team)',
        tags: ['simulations'],
        security: [{ bearerAuth: [] }],
        body: OptimizeBodySchema,
        response: { 200: OptimizeResultSchema, ...errors },
      },
    },
    async (request) => {
      const userId = request.user.sub
      return withCharges(app, request, userId, request.planId, [{ feature: 'strategy_compare', amount: 1 }], () =>
        app.simulationService.optimize({ userId, body: request.body, requestId: request.id }),
      )
    },
  )
}
