// action-log-service configuration (env vars, validated at boot).
import { EVENT_BUS_DEV_DEFAULTS, EventConsumerConfigProperties } from '@f1/events/config'
import { BaseConfigProperties, loadConfig, type LoadConfigOptions } from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import Type, { type Static } from 'typebox'

export const ActionLogConfigProperties = {
  ...BaseConfigProperties,
  ...EventConsumerConfigProperties,
  ...tableNameConfig('actions'),
  ACTION_LOG_SERVICE_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  ACTION_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365, description: 'Days an action is kept (TTL)' }),
}
export const ActionLogConfigSchema = Type.Object(ActionLogConfigProperties)
export type ActionLogConfig = Static<typeof ActionLogConfigSchema>

export function loadActionLogConfig(options: LoadConfigOptions = {}): ActionLogConfig {
  return loadConfig(ActionLogConfigProperties, { ...options, devDefaults: { ...EVENT_BUS_DEV_DEFAULTS, ...options.devDefaults } })
}
