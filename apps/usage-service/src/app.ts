// usage-service: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import type { UsageConfig } from './config.ts'
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
  await app.register(usageRepository, { tableName: config.USER_USAGE_TABLE, retentionDays: config.USAGE_RETENTION_DAYS })
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(config.SERVICE_TOKEN))
    await scope.register(usageRoutes, { now: options.now ?? (() => new Date()) })
  })
  return app
}
