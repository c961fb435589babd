// migrator configuration (env vars, validated at boot): the job settings the CLI needs, and the
// service's on top of them (port, event bus, service token).
import { availableParallelism } from 'node:os'
import { EVENT_BUS_DEV_DEFAULTS, EventConsumerConfigProperties } from '@f1/events/config'
import {
  BaseConfigProperties,
  callerTokensConfig,
  portConfig,
  type ConfigOf,
  defineConfig,
  loadConfig,
  localCallerTokens,
  type LoadConfigOptions,
} from '@f1/service-kit/config'
import { tableNameConfig } from '@f1/tables'
import { MigrationStageConfigProperties } from '@f1/tables/migration-stages'
import Type from 'typebox'

/** Scan segments when neither `--segments` nor MIGRATION_SEGMENTS says: two per CPU (segments wait on I/O). */
export const DEFAULT_SEGMENTS = Math.min(64, Math.max(2, 2 * availableParallelism()))

const { STAGE, AWS_REGION, DYNAMODB_ENDPOINT, LOG_LEVEL } = BaseConfigProperties

/** What a backfill, a verify or a generate needs: no port, no service token. */
export const MigratorJobConfigProperties = {
  STAGE,
  AWS_REGION,
  DYNAMODB_ENDPOINT,
  LOG_LEVEL,
  ...tableNameConfig('legacy', 'subscriptions', 'usage', 'actions', 'simulations', 'migration'),
  MIGRATION_SEGMENTS: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, description: 'Parallel Scan segments; unset: two per CPU (at least 2, at most 64)' }),
  ),
  MIGRATION_PAGE_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 250, description: 'Items per Scan page (one checkpoint each)' }),
  MIGRATION_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 1,
    description:
      'Conditional writes per request: 1 sends single conditional PutItem calls (1 WCU an item), more batch them in TransactWriteItems (2 WCU an item)',
  }),
  MIGRATION_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 32, description: 'Write requests in flight' }),
  MIGRATION_LOCK_LEASE_S: Type.Integer({
    minimum: 2,
    maximum: 3600,
    default: 30,
    description: 'Lease of the backfill lock; a holder that stops renewing it loses it after this long',
  }),
  ...MigrationStageConfigProperties,
  MIGRATION_SHADOW_MIN_COMPARISONS: Type.Integer({
    minimum: 1,
    maximum: 10_000_000,
    default: 1000,
    description: 'Shadow comparisons of a kind (its newest ones) needed before it may move to new-only',
  }),
  MIGRATION_SHADOW_MIN_CONSISTENCY: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.999,
    description: 'Share of those comparisons that must match before the kind may move to new-only',
  }),
  MIGRATION_NEW_ONLY_MIN_HOURS: Type.Number({
    minimum: 0,
    maximum: 8760,
    default: 168,
    description: 'Hours a kind must spend in new-only before it may be retired (its legacy items archived)',
  }),
  USAGE_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 35, description: "usage-service's TTL after a day ends" }),
  ACTION_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365, description: "action-log-service's TTL after an action" }),
  MIGRATED_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    maximum: 36500,
    default: 400,
    description: 'Migrated usage and action rows are kept at least this long after their migration (TTL)',
  }),
}
export type MigratorJobConfig = ConfigOf<typeof MigratorJobConfigProperties>

export const MigratorConfigProperties = {
  ...BaseConfigProperties,
  ...callerTokensConfig('migrator'),
  ...EventConsumerConfigProperties,
  ...MigratorJobConfigProperties,
  ...portConfig('migrator'),
}
export type MigratorConfig = ConfigOf<typeof MigratorConfigProperties>

/** The service's schema and dev-only defaults, for loading and for the README's env table. */
export const migratorConfigSpec = defineConfig(MigratorConfigProperties, {
  ...localCallerTokens('migrator'),
  ...EVENT_BUS_DEV_DEFAULTS,
})

export function loadMigratorConfig(options: LoadConfigOptions = {}): MigratorConfig {
  return migratorConfigSpec.load(options)
}

/** The CLI's settings: the same names, without the service's (a subset of the service's env table). */
export function loadMigratorJobConfig(options: LoadConfigOptions = {}): MigratorJobConfig {
  return loadConfig(MigratorJobConfigProperties, options)
}
