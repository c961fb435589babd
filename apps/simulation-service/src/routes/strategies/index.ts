// POST /users/:userId/strategies/optimize: the fastest 1-, 2- and 3-stop strategies of a driver.
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { OptimizeBodySchema, OptimizeResultSchema } from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'

export default async function strategyRoutes(app: ServiceApp) {
  app.post(
    '/users/:userId/strategies/optimize',
    {
      schema: {
        summary: 'Fastest 1-, 2- and 3-stop strategies of a driver on a free track (nothing stored)',
        params: UserIdParamsSchema,
        body: OptimizeBodySchema,
        response: { 200: OptimizeResultSchema, 400: ErrorBodySchema, 401: ErrorBodySchema },
      },
    },
    // A few milliseconds of dynamic programming: cheaper here than a round trip to a worker.
    async (request) => app.engine.optimize(request.body),
  )
}
