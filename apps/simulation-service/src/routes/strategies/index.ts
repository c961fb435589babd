// POST /users/:userId/strategies/optimize: the fastest 1-, 2- and 3-stop strategies of a driver.
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { OptimizeRequestSchema, OptimizeResultSchema } from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'
import { runMetered } from '../../lib/metered.ts'

export default async function strategyRoutes(app: ServiceApp, options: { maxBudgetMs: number }) {
  app.post(
    '/users/:userId/strategies/optimize',
    {
      config: { budgetMs: options.maxBudgetMs },
      schema: {
        summary: 'Fastest 1-, 2- and 3-stop strategies of a driver on a free track, re-evaluated in the race (nothing stored)',
        description:
          'With an operation, its charges are held before the search and committed once it succeeds (refunded if it fails); ' +
          'the same operation again is answered without charging twice (the search is deterministic).',
        params: UserIdParamsSchema,
        body: OptimizeRequestSchema,
        response: {
          200: OptimizeResultSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          409: ErrorBodySchema,
          429: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
    },
    async (request) => {
      const { operation, ...body } = request.body
      // The search (a few milliseconds of dynamic programming) and the race re-evaluation run here;
      // a Monte Carlo re-evaluation on the worker pool, stopped when the budget runs out.
      return runMetered(app, request, request.params.userId, operation, { work: (signal) => app.engine.optimize(body, signal) })
    },
  )
}
