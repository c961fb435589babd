// Builds the gateway and a real usage-service (HTTP between them) on DynamoDB Local tables
// of this test file's own.
import { buildApp as buildActionLogService } from '@f1/action-log-service/app'
import { loadActionLogConfig } from '@f1/action-log-service/config'
import { buildApp as buildSimulationService } from '@f1/simulation-service/app'
import { loadSimulationConfig } from '@f1/simulation-service/config'
import { buildApp as buildSubscriptionService } from '@f1/subscription-service/app'
import { loadSubscriptionConfig } from '@f1/subscription-service/config'
import { signWebhook, subscriptionEvent } from '@f1/subscription-service/testing'
import { buildApp as buildUsageService } from '@f1/usage-service/app'
import { loadUsageConfig } from '@f1/usage-service/config'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { useTestTables } from '@f1/tables/testing'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadGatewayConfig } from '../src/config.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789'
export const WEBHOOK_SECRET = 'whsec_gateway_test_0123456789'
export const PRICES = { pro: 'price_gw_pro', team: 'price_gw_team' }
export const BUS_SECRET = 'bus-secret-for-gateway-tests'

export interface BuildOptions {
  usageServiceUrl?: string
  planCacheTtlMs?: number
  /** Extra gateway settings (e.g. rate limits). */
  gatewayEnv?: Record<string, string>
  /** The gateway's clock of the role cache. */
  now?: () => number
  /** Extra simulation-service settings (queue sizes). */
  simulationEnv?: Record<string, string>
  /** A simulation-service running elsewhere (a process a test kills) instead of the in-process one. */
  simulationServiceUrl?: string
  /** The clock of usage-service and simulation-service (tests move it past charge holds for the sweepers). */
  servicesNow?: () => Date
}

export async function build(t: TapLike, options: BuildOptions = {}) {
  const tables = await useTestTables(t, ['legacy', 'usage', 'subscriptions', 'actions', 'simulations', 'gateway'])
  const env = {
    ...serviceTokenEnv(),
    DYNAMODB_ENDPOINT: tables.endpoint,
  }
  const usage = await buildUsageService(
    loadUsageConfig({ env: { ...env, USER_USAGE_TABLE: tables.names.usage, CHARGE_SWEEP_INTERVAL_MS: '0' } }),
    { logger: false, ...(options.servicesNow ? { now: options.servicesNow } : {}) },
  )
  const usageUrl = await usage.listen({ port: 0, host: '127.0.0.1' })
  const subscriptions = await buildSubscriptionService(
    loadSubscriptionConfig({
      env: {
        ...env,
        USER_SUBSCRIPTIONS_TABLE: tables.names.subscriptions,
        LEGACY_METADATA_TABLE: tables.names.legacy,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_PRICE_PRO: PRICES.pro,
        STRIPE_PRICE_TEAM: PRICES.team,
      },
    }),
    { logger: false },
  )
  const subscriptionsUrl = await subscriptions.listen({ port: 0, host: '127.0.0.1' })
  const actionLog = await buildActionLogService(
    loadActionLogConfig({ env: { ...env, USER_ACTIONS_LOG_TABLE: tables.names.actions, EVENT_BUS_SECRET: BUS_SECRET } }),
    { logger: false },
  )
  const actionLogUrl = await actionLog.listen({ port: 0, host: '127.0.0.1' })
  const simulations = await buildSimulationService(
    loadSimulationConfig({
      env: {
        ...env,
        SIMULATION_RESULTS_TABLE: tables.names.simulations,
        USAGE_SERVICE_URL: usageUrl,
        PENDING_SWEEP_INTERVAL_MS: '0',
        ...options.simulationEnv,
      },
    }),
    { logger: false, ...(options.servicesNow ? { now: options.servicesNow } : {}) },
  )
  const simulationsUrl = await simulations.listen({ port: 0, host: '127.0.0.1' })
  const config = loadGatewayConfig({
    env: {
      ...env,
      LEGACY_METADATA_TABLE: tables.names.legacy,
      GATEWAY_TABLE: tables.names.gateway,
      USAGE_SERVICE_URL: options.usageServiceUrl ?? usageUrl,
      SUBSCRIPTION_SERVICE_URL: subscriptionsUrl,
      ACTION_LOG_SERVICE_URL: actionLogUrl,
      SIMULATION_SERVICE_URL: options.simulationServiceUrl ?? simulationsUrl,
      PLAN_CACHE_TTL_MS: String(options.planCacheTtlMs ?? 5_000),
      JWT_SECRET,
      SERVICE_TIMEOUT_MS: '2000',
      ...options.gatewayEnv,
    },
  })
  const app = await buildApp(config, { logger: false, ...(options.now ? { now: options.now } : {}) })
  t.teardown(async () => {
    await app.close()
    await subscriptions.close()
    await usage.close()
    await actionLog.close()
    await simulations.close()
  })
  return { app, usage, usageUrl, actionLog, actionLogUrl, simulations, simulationsUrl, tables, config }
}

type App = Awaited<ReturnType<typeof build>>['app']

let counter = 0
/** An email unique to this test run. */
export function uniqueEmail(label = 'driver'): string {
  counter += 1
  return `${label}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`
}

/** Registers a user through the API and returns its id, token and credentials. */
export async function register(app: App, email = uniqueEmail()) {
  const password = 'correct horse battery'
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password, name: 'Test Driver' } })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  const body = res.json<{ user_id: string; token: string }>()
  return { userId: body.user_id, token: body.token, email, password }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json<T>()
}

/** Logs in through the API and returns the token. */
export async function login(app: App, email: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return res.json<{ token: string }>().token
}

/** Registers a user, gives it role admin on its profile (what `admin grant` writes), and logs it in again. */
export async function registerAdmin(app: App, email = uniqueEmail('admin')) {
  const user = await register(app, email)
  await app.profiles.setRole(user.userId, 'admin')
  return { ...user, token: await login(app, email, user.password) }
}

/** Hamilton's real strategy at Shanghai 2019: the engine's reference case. */
export const HAM_SHANGHAI = {
  stints: [
    { start_lap: 0, compound: 'A4', tire_age: 2 },
    { start_lap: 22, compound: 'A3', tire_age: 0 },
    { start_lap: 36, compound: 'A4', tire_age: 0 },
  ],
}

/** Puts a user on a paid plan with the signed webhook Stripe would send after a checkout. */
export async function setPlan(app: App, userId: string, plan: 'pro' | 'team') {
  const { payload, signature } = signWebhook(
    subscriptionEvent({ type: 'customer.subscription.updated', userId, priceId: PRICES[plan] }),
    WEBHOOK_SECRET,
  )
  const res = await app.inject({
    method: 'POST',
    url: '/api/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload,
  })
  if (res.statusCode !== 200) throw new Error(`plan change failed: ${res.statusCode} ${res.body}`)
}

/** Today's counts of the metered features a user has used (api_request and unused features left out). */
export async function meteredUsage(app: App, token: string): Promise<Record<string, number>> {
  const summary = json<{ features: Array<{ feature: string; usage_count: number }> }>(
    await app.inject({ url: '/api/users/usage', headers: bearer(token) }),
  )
  return Object.fromEntries(
    summary.features.filter((f) => f.feature !== 'api_request' && f.usage_count > 0).map((f) => [f.feature, f.usage_count]),
  )
}
