// GET /tracks: the engine's catalog (every track with the seasons it can be simulated in), and
// GET /tracks/:trackId/races/:season: one race's drivers, their strategies and what happened.
import { ErrorBodySchema } from '@f1/contracts/errors'
import { RaceInfoSchema, RaceParamsSchema } from '@f1/contracts/races'
import { TrackListSchema } from '@f1/contracts/simulations'
import { RaceSimError } from '@f1/race-sim/errors'
import { raceInfo } from '@f1/race-sim/race-info'
import type { ServiceApp } from '@f1/service-kit'
import { RaceNotFoundError } from '../../errors.ts'

export default async function trackRoutes(app: ServiceApp) {
  app.get(
    '/tracks',
    { schema: { summary: 'Tracks and seasons that can be simulated', response: { 200: TrackListSchema, 401: ErrorBodySchema } } },
    async () => ({ tracks: app.engine.tracks() }),
  )

  app.get(
    '/tracks/:trackId/races/:season',
    {
      schema: {
        summary: 'One race: its drivers by grid position with the strategies they drove, its recorded yellows and retirements',
        params: RaceParamsSchema,
        response: { 200: RaceInfoSchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      try {
        return raceInfo(request.params.trackId, request.params.season)
      } catch (err) {
        if (err instanceof RaceSimError && (err.code === 'UNKNOWN_TRACK' || err.code === 'UNKNOWN_SEASON'))
          throw new RaceNotFoundError(err.message)
        throw err
      }
    },
  )
}
