// usage-service: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { currentDeadline } from '@f1/service-kit/deadline'
import { callerTokens } from '@f1/service-kit/config'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import type { UsageConfig } from './config.ts'
import eventConsumer, { eventDelivery } from '@f1/events/consumer'
import outbox from '@f1/events/plugin'
import dynamodb from '@f1/tables/plugin'
import { ChargeCommittedError } from './errors.ts'
import chargeSweeper from './plugins/charge-sweeper.ts'
import usageRepository from './plugins/usage-repository.ts'
import chargeRoutes from './routes/charges/index.ts'
import usageRoutes from './routes/usage/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock; tests move it across UTC midnight and past charge holds. */
  now?: () => Date
}

/** A charge is refunded by the sweeper this long after its hold ended (clock skew between instances). */
const SWEEP_GRACE_MS = 5_000

export async function buildApp(config: UsageConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date())
  const app = createServiceApp({ name: 'usage-service', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT, deadline: currentDeadline })
  await app.register(outbox, { table: 'usage', tableName: config.USER_USAGE_TABLE, now })
  await app.register(usageRepository, { tableName: config.USER_USAGE_TABLE, retentionDays: config.USAGE_RETENTION_DAYS })
  await app.register(chargeSweeper, { intervalMs: config.CHARGE_SWEEP_INTERVAL_MS, graceMs: SWEEP_GRACE_MS, now })
  await app.register(eventConsumer, {
    ...eventDelivery(config),
    handlers: {
      // A failed simulation's charge is refunded; the charge record bounds what comes back (never
      // more than it counted, never twice, never once its result is stored), whoever sent the event.
      SimulationFailed: async (detail, { log }) => {
        const chargeId = detail.charge_id
        if (chargeId === undefined) return
        try {
          const result = await app.charges.refundCharge({ userId: detail.user_id, chargeId, now: now() })
          log.info(
            { charge_id: chargeId, status: result.charge.status, replayed: result.replayed },
            'charge of a failed simulation refunded',
          )
        } catch (err) {
          // Committed: its result was stored after all, so there is nothing to give back.
          if (!(err instanceof ChargeCommittedError)) throw err
          log.warn({ charge_id: chargeId }, 'Simulation Failed for a committed charge; nothing refunded')
        }
      },
    },
  })
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(callerTokens(config, 'usage-service')))
    await scope.register(usageRoutes, { now })
    await scope.register(chargeRoutes, { now })
  })
  return app
}
