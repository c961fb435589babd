// Settles simulations left hidden past their charge's hold (the process died between storing a
// result and showing it): shown if their charge was committed, deleted otherwise.
import fp from 'fastify-plugin'
import { periodicTask, type SweeperOptions } from '@f1/service-kit/periodic'
import { settlePending } from '../lib/pending.ts'
import { PENDING_SHARDS } from '../repositories/simulations.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** One sweep now; resolves to how many pending simulations were shown and discarded. */
    sweepPendingSimulations(): Promise<{ shown: number; discarded: number }>
  }
}

const PAGE = 50

// graceMs: longer than usage-service's, so it settles the charge first.
export default fp<SweeperOptions>(
  async (app, options) => {
    async function sweep() {
      const counts = { shown: 0, discarded: 0 }
      const before = options.now().getTime() - options.graceMs
      for (let shard = 0; shard < PENDING_SHARDS; shard++) {
        for (const pending of await app.simulations.findStalePending(shard, before, PAGE)) {
          try {
            const settled = await settlePending(app, pending, { requestId: `sweep-${pending.simulationId}`, refundHeld: true })
            if (settled !== 'held') counts[settled] += 1
          } catch (err) {
            app.log.warn({ err, simulation_id: pending.simulationId }, 'could not settle a pending simulation; next sweep')
          }
        }
      }
      if (counts.shown + counts.discarded > 0) app.log.info(counts, 'settled simulations left pending')
      return counts
    }
    app.decorate('sweepPendingSimulations', periodicTask(app, 'pending-simulation-sweep', options.intervalMs, sweep))
  },
  { name: 'pending-sweeper', dependencies: ['simulations-repository', 'usage-service-client'], fastify: '5.x' },
)
