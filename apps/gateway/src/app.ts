// gateway: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import swaggerUi from '@fastify/swagger-ui'
import events from '@f1/events/plugin'
import dynamodb from '@f1/tables/plugin'
import type { GatewayConfig } from './config.ts'
import actionLogService from './plugins/action-log-service.ts'
import auth from './plugins/auth.ts'
import planSecurity from './plugins/plan-security.ts'
import migratorService from './plugins/migrator-service.ts'
import profiles from './plugins/profiles.ts'
import simulationService from './plugins/simulation-service.ts'
import subscriptionService from './plugins/subscription-service.ts'
import usageService from './plugins/usage-service.ts'
import actionRoutes from './routes/actions/index.ts'
import adminRoutes from './routes/admin/index.ts'
import authRoutes from './routes/auth/index.ts'
import simulationRoutes from './routes/simulations/index.ts'
import stripeRoutes from './routes/stripe/index.ts'
import subscriptionRoutes from './routes/subscriptions/index.ts'
import trackRoutes from './routes/tracks/index.ts'
import userRoutes from './routes/users/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
}

export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({
    name: 'gateway',
    config,
    logger: options.logger ?? true,
    openapi: {
      description: 'The F1 Race Sim API for the frontend. Errors: {"error": {"code", "message", "details"}}.',
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      tags: [
        { name: 'auth', description: 'Accounts and tokens' },
        { name: 'users', description: 'The signed-in user' },
        { name: 'subscriptions', description: 'Plans, checkout and cancellation' },
        { name: 'simulations', description: 'Race simulations, tracks and strategy optimization' },
        { name: 'stripe', description: 'Stripe webhooks' },
        { name: 'admin', description: 'Operator routes (role admin)' },
        { name: 'operations', description: 'Health and readiness' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  await app.register(profiles, { tableName: config.LEGACY_METADATA_TABLE })
  const service = { serviceToken: config.SERVICE_TOKEN, timeoutMs: config.SERVICE_TIMEOUT_MS }
  await app.register(usageService, { baseUrl: config.USAGE_SERVICE_URL, ...service })
  await app.register(subscriptionService, { baseUrl: config.SUBSCRIPTION_SERVICE_URL, ...service })
  await app.register(actionLogService, { baseUrl: config.ACTION_LOG_SERVICE_URL, ...service })
  await app.register(migratorService, { baseUrl: config.MIGRATOR_URL, ...service })
  await app.register(simulationService, { baseUrl: config.SIMULATION_SERVICE_URL, ...service, runTimeoutMs: config.SIMULATION_TIMEOUT_MS })
  await app.register(events, { region: config.AWS_REGION, endpoint: config.EVENTBRIDGE_ENDPOINT, busName: config.EVENT_BUS_NAME })
  await app.register(auth, { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_S })
  await app.register(planSecurity, { cacheTtlMs: config.PLAN_CACHE_TTL_MS })
  const adminEmails = new Set(
    config.ADMIN_EMAILS.split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  )
  await app.register(authRoutes, { tokenTtlSeconds: config.JWT_TTL_S, adminEmails })
  await app.register(userRoutes)
  await app.register(subscriptionRoutes)
  await app.register(stripeRoutes)
  await app.register(actionRoutes)
  await app.register(simulationRoutes)
  await app.register(trackRoutes)
  await app.register(adminRoutes)
  return app
}
