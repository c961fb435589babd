// gateway configuration (env vars, validated at boot).
import { randomBytes } from 'node:crypto'
import { EVENT_BUS_DEV_DEFAULTS, EventBusConfigProperties } from '@f1/events/config'
import { BaseConfigProperties, defineConfig, type LoadConfigOptions } from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import Type, { type Static } from 'typebox'

export const GatewayConfigProperties = {
  ...BaseConfigProperties,
  ...EventBusConfigProperties,
  ...tableNameConfig('legacy'),
  GATEWAY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'Port to listen on' }),
  USAGE_SERVICE_URL: Type.String({ format: 'uri', description: 'Base URL of usage-service' }),
  SUBSCRIPTION_SERVICE_URL: Type.String({ format: 'uri', description: 'Base URL of subscription-service' }),
  ACTION_LOG_SERVICE_URL: Type.String({ format: 'uri', description: 'Base URL of action-log-service' }),
  SIMULATION_SERVICE_URL: Type.String({ format: 'uri', description: 'Base URL of simulation-service' }),
  MIGRATOR_URL: Type.String({ format: 'uri', description: 'Base URL of the migrator (admin routes)' }),
  SIMULATION_TIMEOUT_MS: Type.Integer({ minimum: 1_000, default: 120_000, description: 'Timeout of running a simulation or optimization' }),
  PLAN_CACHE_TTL_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 5_000,
    description: "How long a user's plan is reused before asking again",
  }),
  JWT_SECRET: Type.String({ minLength: 32, description: 'HS256 signing secret of user tokens; in dev a random one per start' }),
  ADMIN_EMAILS: Type.String({ default: '', description: 'Comma-separated emails whose users get role admin at login' }),
  JWT_TTL_S: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600, description: 'Lifetime of a user token' }),
  SERVICE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000, description: 'Timeout of calls to other services' }),
}
export const GatewayConfigSchema = Type.Object(GatewayConfigProperties)
export type GatewayConfig = Static<typeof GatewayConfigSchema>

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const gatewayConfigSpec = defineConfig(GatewayConfigProperties, {
  USAGE_SERVICE_URL: 'http://127.0.0.1:3002',
  SUBSCRIPTION_SERVICE_URL: 'http://127.0.0.1:3001',
  ACTION_LOG_SERVICE_URL: 'http://127.0.0.1:3003',
  SIMULATION_SERVICE_URL: 'http://127.0.0.1:3004',
  MIGRATOR_URL: 'http://127.0.0.1:3005',
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadGatewayConfig(options: LoadConfigOptions = {}): GatewayConfig {
  // A fresh secret per start: fine for a laptop (tokens die with the process), refused in prod.
  return gatewayConfigSpec.load({ ...options, devDefaults: { JWT_SECRET: randomBytes(32).toString('hex'), ...options.devDefaults } })
}
