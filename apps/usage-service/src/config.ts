// usage-service configuration (env vars, validated at boot).
import { EVENT_BUS_DEV_DEFAULTS, EventConsumerConfigProperties } from '@f1/events/config'
import {
  BaseConfigProperties,
  callerTokensConfig,
  portConfig,
  type ConfigOf,
  defineConfig,
  localCallerTokens,
  type LoadConfigOptions,
} from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import Type from 'typebox'

export const UsageConfigProperties = {
  ...BaseConfigProperties,
  ...callerTokensConfig('usage-service'),
  ...EventConsumerConfigProperties,
  ...tableNameConfig('usage'),
  ...portConfig('usage-service'),
  USAGE_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    maximum: 3650,
    default: 35,
    description: 'Days a counter is kept after its day ends (TTL)',
  }),
  CHARGE_SWEEP_INTERVAL_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 5_000,
    description: 'How often charges held past their time are refunded (0: never; tests sweep by hand)',
  }),
}
export type UsageConfig = ConfigOf<typeof UsageConfigProperties>

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const usageConfigSpec = defineConfig(UsageConfigProperties, {
  ...localCallerTokens('usage-service'),
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadUsageConfig(options: LoadConfigOptions = {}): UsageConfig {
  return usageConfigSpec.load(options)
}
