// action-log-service configuration (env vars, validated at boot).
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

export const ActionLogConfigProperties = {
  ...BaseConfigProperties,
  ...callerTokensConfig('action-log-service'),
  ...EventConsumerConfigProperties,
  ...tableNameConfig('actions'),
  ...portConfig('action-log-service'),
  ACTION_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365, description: 'Days an action is kept (TTL)' }),
}
export type ActionLogConfig = ConfigOf<typeof ActionLogConfigProperties>

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const actionLogConfigSpec = defineConfig(ActionLogConfigProperties, {
  ...localCallerTokens('action-log-service'),
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadActionLogConfig(options: LoadConfigOptions = {}): ActionLogConfig {
  return actionLogConfigSpec.load(options)
}
