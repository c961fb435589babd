// simulation-service configuration (env vars, validated at boot).
import { EVENT_BUS_DEV_DEFAULTS, EventBusConfigProperties } from '@f1/events/config'
import { BaseConfigProperties, defineConfig, type LoadConfigOptions } from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import Type, { type Static } from 'typebox'
import { COMPRESS_ABOVE_BYTES } from './repositories/stored-results.ts'

export const SimulationConfigProperties = {
  ...BaseConfigProperties,
  ...EventBusConfigProperties,
  ...tableNameConfig('simulations'),
  SIMULATION_SERVICE_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3004, description: 'Port to listen on' }),
  SIMULATION_WORKERS: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 256, description: 'Monte Carlo worker threads; unset: every core but one' }),
  ),
  SIMULATION_COMPRESS_ABOVE_BYTES: Type.Integer({
    minimum: 0,
    maximum: 390_000,
    default: COMPRESS_ABOVE_BYTES,
    description: 'Items estimated larger than this store their results gzip-compressed (an item holds 400 KB)',
  }),
}
export const SimulationConfigSchema = Type.Object(SimulationConfigProperties)
export type SimulationConfig = Static<typeof SimulationConfigSchema>

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const simulationConfigSpec = defineConfig(SimulationConfigProperties, {
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadSimulationConfig(options: LoadConfigOptions = {}): SimulationConfig {
  return simulationConfigSpec.load(options)
}
