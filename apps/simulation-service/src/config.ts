// simulation-service configuration (env vars, validated at boot).
import { EVENT_BUS_DEV_DEFAULTS } from '@f1/events/config'
import {
  BaseConfigProperties,
  callerTokensConfig,
  localCallerTokens,
  localServiceCalls,
  portConfig,
  serviceCallConfig,
  type ConfigOf,
  defineConfig,
  REQUIRED_WHEN_DEPLOYED,
  type LoadConfigOptions,
} from '@f1/service-kit/config'
import { LoadSheddingConfigProperties } from '@f1/service-kit/load-shedding'
import { tableNameConfig } from '@f1/tables'
import Type from 'typebox'
import { COMPRESS_ABOVE_BYTES } from './repositories/stored-results.ts'

export const SimulationConfigProperties = {
  ...BaseConfigProperties,
  ...callerTokensConfig('simulation-service'),
  ...tableNameConfig('simulations'),
  ...LoadSheddingConfigProperties,
  ...portConfig('simulation-service'),
  SIMULATION_WORKERS: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 256, description: 'Monte Carlo worker threads; unset: every core but one' }),
  ),
  ...serviceCallConfig('usage-service', 'Base URL of usage-service (charges)'),
  SERVICE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000, description: 'Timeout of calls to usage-service' }),
  SIMULATION_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 4, description: 'Simulation requests running at once' }),
  SIMULATION_QUEUE_SIZE: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 32,
    description: 'Simulation requests admitted at once (running or waiting); beyond it 503 SIMULATION_BUSY, before any charge',
  }),
  SIMULATION_QUEUE_PER_USER: Type.Integer({
    minimum: 1,
    maximum: 1_000,
    default: 4,
    description: 'Simulation requests one user may have admitted at once',
  }),
  SIMULATION_MAX_BUDGET_MS: Type.Integer({
    minimum: 1_000,
    maximum: 900_000,
    default: 600_000,
    description: 'Longest a simulation may run when its caller sends no x-request-budget-ms',
  }),
  PENDING_SWEEP_INTERVAL_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 10_000,
    description: 'How often results left hidden by a crash are settled with their charge (0: never)',
  }),
  SIMULATION_JOB_ABOVE_RUNS: Type.Integer({
    minimum: 1,
    maximum: 10_000_000,
    default: 20_000,
    description: 'Monte Carlo requests charged more runs than this (runs x races per run), and every Monte Carlo sensitivity study, run as jobs (202)',
  }),
  SIMULATION_JOB_MAX_MS: Type.Integer({
    minimum: 1_000,
    maximum: 55 * 60_000,
    default: 30 * 60_000,
    description: 'A job not finished this long after its submission is failed and refunded (its charge is held this long and a minute)',
  }),
  SIMULATION_JOB_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 1,
    description: 'Jobs running at once per instance (each also takes a SIMULATION_CONCURRENCY slot)',
  }),
  SIMULATION_JOB_POLL_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 5_000,
    description: 'How often queued jobs and jobs whose runner died (lease run out) are looked for, besides at start and on submission (0: never)',
  }),
  SIMULATION_JOB_LEASE_MS: Type.Integer({
    minimum: 500,
    maximum: 600_000,
    default: 30_000,
    description: "A runner's lease on its job, renewed every third of it; a job whose runner died is taken again once it runs out",
  }),
  SIMULATION_JOB_QUEUE_URL: Type.Optional(
    Type.String({
      format: 'uri',
      ...REQUIRED_WHEN_DEPLOYED,
      description: 'The SQS queue of jobs (AWS, and the local stack); unset (local only), the simulations table is the queue',
    }),
  ),
  SQS_ENDPOINT: Type.Optional(Type.String({ format: 'uri', description: "SQS endpoint override (the local bus's queues); unset in AWS" })),
  SIMULATION_JOB_MAX_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 3,
    description: 'Times a job may be started; past it the job is failed and refunded (its runners keep dying)',
  }),
  SIMULATION_COMPRESS_ABOVE_BYTES: Type.Integer({
    minimum: 0,
    maximum: 390_000,
    default: COMPRESS_ABOVE_BYTES,
    description: 'Items estimated larger than this store their results gzip-compressed (an item holds 400 KB)',
  }),
}
export type SimulationConfig = ConfigOf<typeof SimulationConfigProperties>

/** The schema and dev-only defaults, for loading and for the README's env table. */
export const simulationConfigSpec = defineConfig(SimulationConfigProperties, {
  ...localServiceCalls('simulation-service'),
  ...localCallerTokens('simulation-service'),
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadSimulationConfig(options: LoadConfigOptions = {}): SimulationConfig {
  return simulationConfigSpec.load(options)
}
