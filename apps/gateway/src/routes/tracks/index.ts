// /api/tracks: the simulator's track catalog and its races; public, so the frontend can show them
// before login.
import { ErrorBodySchema } from '@f1/contracts/errors'
import { RaceInfoSchema, RaceParamsSchema } from '@f1/contracts/races'
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

  app.get(
    '/api/tracks/:trackId/races/:season',
    {
      schema: {
        summary:
          'One race: its drivers by grid position with the strategies they drove (a stint editor starts from these), its recorded yellows and retirements',
        tags: ['simulations'],
        params: RaceParamsSchema,
        response: { 200: RaceInfoSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => app.simulationService.race({ ...request.params, requestId: request.id }),
  )
}
