// subscription-service: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { currentDeadline } from '@f1/service-kit/deadline'
import { callerTokens } from '@f1/service-kit/config'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import outbox from '@f1/events/plugin'
import migrationStage from '@f1/tables/migration-stage-plugin'
import dynamodb from '@f1/tables/plugin'
import type { SubscriptionConfig } from './config.ts'
import repositories from './plugins/repositories.ts'
import stripe from './plugins/stripe.ts'
import subscriptionRoutes from './routes/subscriptions/index.ts'
import webhookRoutes from './routes/webhook/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock; tests move it past period ends. */
  now?: () => Date
}

export async function buildApp(config: SubscriptionConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({ name: 'subscription-service', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT, deadline: currentDeadline })
  await app.register(outbox, { table: 'subscriptions', tableName: config.USER_SUBSCRIPTIONS_TABLE })
  await app.register(repositories, { subscriptionsTable: config.USER_SUBSCRIPTIONS_TABLE, legacyTable: config.LEGACY_METADATA_TABLE })
  await app.register(migrationStage, { tableName: config.MIGRATION_STATE_TABLE, cacheMs: config.MIGRATION_STAGE_CACHE_MS })
  await app.register(stripe, {
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    prices: { pro: config.STRIPE_PRICE_PRO, team: config.STRIPE_PRICE_TEAM },
    apiUrl: config.STRIPE_API_URL,
  })
  await app.register(webhookRoutes)
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(callerTokens(config, 'subscription-service')))
    await scope.register(subscriptionRoutes, { now: options.now ?? (() => new Date()) })
  })
  return app
}
