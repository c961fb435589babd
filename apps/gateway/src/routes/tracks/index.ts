// /api/tracks: the simulator's track catalog; public, so the frontend can show it before login.
import { ErrorBodySchema } from '@f1/contracts/errors'
import { TrackListSchema } from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'

export default async function trackRoutes(app: ServiceApp) {
  app.get(
    '/api/tracks',
    {
      schema: {
        summary: 'Every track and season that can be simulated',
        tags: ['simulations'],
        response: { 200: TrackListSchema, 503: ErrorBodySchema },
      },
    },
    async (request) => app.simulationService.tracks({ requestId: request.id }),
  )
}
