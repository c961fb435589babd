// gateway configuration (env vars, validated at boot).
import { randomBytes } from 'node:crypto'
import { BaseConfigProperties, loadConfig, type LoadConfigOptions } from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import Type, { type Static } from 'typebox'

export const GatewayConfigProperties = {
  ...BaseConfigProperties,
  ...tableNameConfig('legacy'),
  GATEWAY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  USAGE_SERVICE_URL: Type.String({ format: 'uri', description: 'Base URL of usage-service' }),
  JWT_SECRET: Type.String({ minLength: 32, description: 'HS256 signing secret of user tokens' }),
  JWT_TTL_S: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600, description: 'Lifetime of a user token' }),
  SERVICE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000, description: 'Timeout of calls to other services' }),
}
export const GatewayConfigSchema = Type.Object(GatewayConfigProperties)
export type GatewayConfig = Static<typeof GatewayConfigSchema>

export function loadGatewayConfig(options: LoadConfigOptions = {}): GatewayConfig {
  return loadConfig(GatewayConfigProperties, {
    ...options,
    devDefaults: {
      USAGE_SERVICE_URL: 'http://127.0.0.1:3002',
      // A fresh secret per start: fine for a laptop (tokens die with the process), refused in prod.
      JWT_SECRET: randomBytes(32).toString('hex'),
      ...options.devDefaults,
    },
  })
}
