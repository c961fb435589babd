// GET /tracks: the engine's catalog (every track with the seasons it can be simulated in).
import { ErrorBodySchema } from '@f1/contracts/errors'
import { TrackListSchema } from '@f1/contracts/simulations'
import type { ServiceApp } from '@f1/service-kit'

export default async function trackRoutes(app: ServiceApp) {
  app.get(
    '/tracks',
    { schema: { summary: 'Tracks and seasons that can be simulated', response: { 200: TrackListSchema, 401: ErrorBodySchema } } },
    async () => ({ tracks: app.engine.tracks() }),
  )
}
