// gateway configuration (env vars, validated at boot).
import { randomBytes } from 'node:crypto'
import { EVENT_BUS_DEV_DEFAULTS } from '@f1/events/config'
import {
  BaseConfigProperties,
  type ConfigOf,
  ConfigError,
  defineConfig,
  type LoadConfigOptions,
  localServiceCalls,
  portConfig,
  serviceCallConfig,
} from '@f1/service-kit/config'
import { LoadSheddingConfigProperties } from '@f1/service-kit/load-shedding'
import { tableNameConfig } from '@f1/tables'
import Type from 'typebox'
import { parseOrigins } from './lib/origins.ts'

export const GatewayConfigProperties = {
  ...BaseConfigProperties,
  ...tableNameConfig('legacy', 'gateway'),
  ...portConfig('gateway'),
  ...serviceCallConfig('usage-service', 'Base URL of usage-service'),
  ...serviceCallConfig('subscription-service', 'Base URL of subscription-service'),
  ...serviceCallConfig('action-log-service', 'Base URL of action-log-service'),
  ...serviceCallConfig('simulation-service', 'Base URL of simulation-service'),
  ...serviceCallConfig('migrator', 'Base URL of the migrator (admin routes)'),
  SIMULATION_TIMEOUT_MS: Type.Integer({ minimum: 1_000, default: 120_000, description: 'Timeout of running a simulation or optimization' }),
  PLAN_CACHE_TTL_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 5_000,
    description: "How long a user's plan is reused before asking again",
  }),
  JWT_SECRET: Type.String({ minLength: 32, description: 'HS256 signing secret of user tokens; in dev a random one per start' }),
  JWT_TTL_S: Type.Integer({
    minimum: 60,
    maximum: 86_400,
    default: 3600,
    description: 'Lifetime of a user token (and of the console session cookie)',
  }),
  SESSION_COOKIE_SECURE: Type.Boolean({
    default: true,
    description: "The console session cookie's Secure flag (sent over HTTPS only); false only for a plain-http local stack",
  }),
  SERVICE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000, description: 'Timeout of calls to other services' }),
  APP_ORIGINS: Type.String({
    minLength: 1,
    description: 'Comma-separated origins of the web console: the CORS allowlist, and where checkout may send the browser back to',
  }),
  RATE_LIMIT_REGISTER_PER_ADDRESS: Type.Integer({
    minimum: 1,
    default: 20,
    description: 'Registrations per client address per window (per instance)',
  }),
  RATE_LIMIT_REGISTER_WINDOW_S: Type.Integer({ minimum: 1, default: 600, description: 'Window of the registration limit' }),
  RATE_LIMIT_LOGIN_PER_ADDRESS: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'Logins per client address per window (per instance)',
  }),
  RATE_LIMIT_LOGIN_WINDOW_S: Type.Integer({ minimum: 1, default: 60, description: 'Window of the per-address login limit' }),
  RATE_LIMIT_LOGIN_PER_EMAIL: Type.Integer({
    minimum: 1,
    default: 10,
    description: 'Logins per email, from any address, per window (per instance)',
  }),
  RATE_LIMIT_LOGIN_EMAIL_WINDOW_S: Type.Integer({ minimum: 1, default: 900, description: 'Window of the per-email login limit' }),
  PASSWORD_HASH_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 2,
    description: "Password hashes computed at once; keep below libuv's thread pool (4) so DNS and file I/O never wait behind them",
  }),
  PASSWORD_HASH_QUEUE: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 64,
    description: 'Sign-ins (login, register) in progress beyond those hashing; past it they answer 503 AUTH_BUSY with Retry-After',
  }),
  ROLE_CACHE_TTL_MS: Type.Integer({
    minimum: 0,
    maximum: 30_000,
    default: 30_000,
    description: "How long the admin routes reuse a user's role read from the profile (a revocation takes effect within it)",
  }),
  ...LoadSheddingConfigProperties,
}
export type GatewayConfig = ConfigOf<typeof GatewayConfigProperties>

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const gatewayConfigSpec = defineConfig(GatewayConfigProperties, {
  ...localServiceCalls('gateway'),
  // The web console of `pnpm dev` (Vite), under both names a browser may use.
  APP_ORIGINS: 'http://127.0.0.1:5173,http://localhost:5173',
  // The local stack is plain http.
  SESSION_COOKIE_SECURE: 'false',
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadGatewayConfig(options: LoadConfigOptions = {}): GatewayConfig {
  // A fresh secret per start: fine for a laptop (tokens die with the process), refused in prod.
  const config = gatewayConfigSpec.load({
    ...options,
    devDefaults: { JWT_SECRET: randomBytes(32).toString('hex'), ...options.devDefaults },
  })
  try {
    parseOrigins(config.APP_ORIGINS)
  } catch (err) {
    throw new ConfigError([`APP_ORIGINS: ${(err as Error).message}`])
  }
  return config
}
