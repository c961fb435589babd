// usage-service: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import type { FeatureName } from '@f1/contracts/common'
import { refundKey } from '@f1/contracts/usage'
import type { UsageConfig } from './config.ts'
import eventConsumer from '@f1/events/consumer'
import events from '@f1/events/plugin'
import dynamodb from '@f1/tables/plugin'
import usageRepository from './plugins/usage-repository.ts'
import usageRoutes from './routes/usage/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock; tests move it across UTC midnight. */
  now?: () => Date
}

export async function buildApp(config: UsageConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({ name: 'usage-service', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  await app.register(events, { region: config.AWS_REGION, endpoint: config.EVENTBRIDGE_ENDPOINT, busName: config.EVENT_BUS_NAME })
  await app.register(usageRepository, { tableName: config.USER_USAGE_TABLE, retentionDays: config.USAGE_RETENTION_DAYS })
  await app.register(eventConsumer, {
    secret: config.EVENT_BUS_SECRET,
    handlers: {
      // Compensation by event: gives back what a failed simulation consumed. The key is the one the
      // gateway's own synchronous refund uses, so the quota comes back once whichever runs first.
      'Simulation Failed': async (detail, { log }) => {
        const quota = detail.quota as Array<{ feature: FeatureName; amount: number; date: string }>
        for (const entry of quota) {
          const result = await app.usage.refundQuota({
            userId: String(detail.user_id),
            feature: entry.feature,
            amount: entry.amount,
            day: entry.date,
            idempotencyKey: refundKey(String(detail.correlation_id), entry.feature),
          })
          log.info({ feature: entry.feature, amount: entry.amount, replayed: result.replayed }, 'quota refunded for a failed simulation')
        }
      },
    },
  })
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(config.SERVICE_TOKEN))
    await scope.register(usageRoutes, { now: options.now ?? (() => new Date()) })
  })
  return app
}
