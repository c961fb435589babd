// Refunds charges held past their time: work that crashed, hung or lost its caller never committed
// them, and a commit after the hold is refused, so giving them back here cannot race a stored result.
import fp from 'fastify-plugin'
import { periodicTask, type SweeperOptions } from '@f1/service-kit/periodic'
import { HELD_SHARDS } from '../repositories/charges.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** One sweep now: refunds every charge held past its time (plus a grace for clock skew); resolves to the count. */
    sweepExpiredCharges(): Promise<number>
  }
}

const PAGE = 100

export default fp<SweeperOptions>(
  async (app, options) => {
    async function sweep(): Promise<number> {
      const before = options.now().getTime() - options.graceMs
      let refunded = 0
      for (let shard = 0; shard < HELD_SHARDS; shard++) {
        // Another page only after a full one of fresh refunds: the index may still list ones just refunded.
        for (let fresh = PAGE; fresh === PAGE; ) {
          const expired = await app.charges.findExpiredHolds(shard, before, PAGE)
          fresh = 0
          for (const { userId, chargeId } of expired) {
            try {
              const result = await app.charges.refundCharge({ userId, chargeId, now: options.now() })
              if (!result.replayed) fresh += 1
            } catch (err) {
              // Committed in the meantime (the index lags the table), or DynamoDB is struggling: the next sweep sees it again.
              app.log.warn({ err, user_id: userId, charge_id: chargeId }, 'could not refund an expired charge')
            }
          }
          refunded += fresh
        }
      }
      if (refunded > 0) app.log.info({ refunded }, 'refunded charges held past their time')
      return refunded
    }
    app.decorate('sweepExpiredCharges', periodicTask(app, 'charge-sweep', options.intervalMs, sweep))
  },
  { name: 'charge-sweeper', dependencies: ['usage-repository'], fastify: '5.x' },
)
