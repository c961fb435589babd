// Simulation Completed, as the outbox item written in the same transaction that shows a simulation.
import type { FastifyInstance } from 'fastify'
import type { EventFor } from '../repositories/simulations.ts'

/** The event for a simulation shown because of `causeId` (a request, or a sweep). */
export function completedEvent(app: FastifyInstance, causeId: string): EventFor {
  return (simulation) =>
    app.outbox.put(
      app.outbox.event('SimulationCompleted', { id: causeId }, simulation.user_id, {
        simulation_id: simulation.simulation_id,
        track_id: simulation.track_id ?? '',
        mode: simulation.mode ?? 'single',
        total_time: simulation.total_time,
      }),
    )
}
