// gateway: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import dynamodb from '@f1/tables/plugin'
import type { GatewayConfig } from './config.ts'
import auth from './plugins/auth.ts'
import planSecurity from './plugins/plan-security.ts'
import profiles from './plugins/profiles.ts'
import usageService from './plugins/usage-service.ts'
import authRoutes from './routes/auth/index.ts'
import userRoutes from './routes/users/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
}

export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({ name: 'gateway', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  await app.register(profiles, { tableName: config.LEGACY_METADATA_TABLE })
  await app.register(usageService, {
    baseUrl: config.USAGE_SERVICE_URL,
    serviceToken: config.SERVICE_TOKEN,
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  })
  await app.register(auth, { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_S })
  await app.register(planSecurity)
  await app.register(authRoutes, { tokenTtlSeconds: config.JWT_TTL_S })
  await app.register(userRoutes)
  return app
}
