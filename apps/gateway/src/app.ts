// gateway: builds the app (never listens; server.ts does).
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import swaggerUi from '@fastify/swagger-ui'
import underPressure from '@fastify/under-pressure'
import { loadShedding } from '@f1/service-kit/load-shedding'
import outbox from '@f1/events/plugin'
import dynamodb from '@f1/tables/plugin'
import { currentDeadline } from '@f1/service-kit/deadline'
import type { GatewayConfig } from './config.ts'
import { parseOrigins } from './lib/origins.ts'
import { createPasswordHasher } from './lib/passwords.ts'
import actionLogService from './plugins/action-log-service.ts'
import auth from './plugins/auth.ts'
import idempotency from './plugins/idempotency.ts'
import currentRole from './plugins/current-role.ts'
import edgeHeaders from './plugins/edge-headers.ts'
import planSecurity from './plugins/plan-security.ts'
import migratorService from './plugins/migrator-service.ts'
import profiles from './plugins/profiles.ts'
import simulationService from './plugins/simulation-service.ts'
import subscriptionService from './plugins/subscription-service.ts'
import usageService from './plugins/usage-service.ts'
import actionRoutes from './routes/actions/index.ts'
import adminRoutes from './routes/admin/index.ts'
import authRoutes from './routes/auth/index.ts'
import { authRateLimits } from './routes/auth/rate-limits.ts'
import planRoutes from './routes/plans/index.ts'
import simulationRoutes from './routes/simulations/index.ts'
import stripeRoutes from './routes/stripe/index.ts'
import subscriptionRoutes from './routes/subscriptions/index.ts'
import trackRoutes from './routes/tracks/index.ts'
import userRoutes from './routes/users/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock of the role cache (tests move it instead of waiting). */
  now?: () => number
}

export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({
    name: 'gateway',
    config,
    logger: options.logger ?? true,
    // A request's whole budget: plan security and the route's own calls share it (simulations have their own).
    defaultBudgetMs: config.SERVICE_TIMEOUT_MS,
    longestHandlerMs: config.SIMULATION_TIMEOUT_MS,
    openapi: {
      description: 'The F1 Race Sim API for the frontend. Errors: {"error": {"code", "message", "details"}}.',
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        // The web console's session (POST /api/auth/session); accepted wherever bearerAuth is.
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'f1_session' },
      },
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
  const appOrigins = parseOrigins(config.APP_ORIGINS)
  await app.register(edgeHeaders, { appOrigins })
  await app.register(underPressure, loadShedding(config))
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT, deadline: currentDeadline })
  // A key is held a little longer than its request may take, so a retry never overlaps the first attempt.
  await app.register(idempotency, { tableName: config.GATEWAY_TABLE, defaultLeaseMs: config.SERVICE_TIMEOUT_MS + 10_000 })
  await app.register(profiles, { tableName: config.LEGACY_METADATA_TABLE })
  const timeoutMs = config.SERVICE_TIMEOUT_MS
  await app.register(usageService, { baseUrl: config.USAGE_SERVICE_URL, serviceToken: config.USAGE_SERVICE_TOKEN, timeoutMs })
  await app.register(subscriptionService, { baseUrl: config.SUBSCRIPTION_SERVICE_URL, serviceToken: config.SUBSCRIPTION_SERVICE_TOKEN, timeoutMs })
  await app.register(actionLogService, { baseUrl: config.ACTION_LOG_SERVICE_URL, serviceToken: config.ACTION_LOG_SERVICE_TOKEN, timeoutMs })
  await app.register(migratorService, { baseUrl: config.MIGRATOR_URL, serviceToken: config.MIGRATOR_TOKEN, timeoutMs })
  await app.register(simulationService, {
    baseUrl: config.SIMULATION_SERVICE_URL,
    serviceToken: config.SIMULATION_SERVICE_TOKEN,
    timeoutMs,
    runTimeoutMs: config.SIMULATION_TIMEOUT_MS,
  })
  await app.register(outbox, { table: 'gateway', tableName: config.GATEWAY_TABLE })
  await app.register(auth, { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_S, appOrigins })
  await app.register(planSecurity, { cacheTtlMs: config.PLAN_CACHE_TTL_MS })
  await app.register(currentRole, { ttlMs: config.ROLE_CACHE_TTL_MS, ...(options.now ? { now: options.now } : {}) })
  await app.register(authRoutes, {
    tokenTtlSeconds: config.JWT_TTL_S,
    sessionCookieSecure: config.SESSION_COOKIE_SECURE,
    passwords: createPasswordHasher({ concurrency: config.PASSWORD_HASH_CONCURRENCY, maxQueue: config.PASSWORD_HASH_QUEUE }),
    limits: authRateLimits(config),
  })
  await app.register(userRoutes)
  await app.register(subscriptionRoutes, { appOrigins })
  await app.register(stripeRoutes)
  await app.register(actionRoutes)
  await app.register(simulationRoutes, { runBudgetMs: config.SIMULATION_TIMEOUT_MS })
  await app.register(trackRoutes)
  await app.register(planRoutes)
  await app.register(adminRoutes)
  return app
}
