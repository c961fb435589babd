// The migration's dependencies read from a config, in one place for the service (app.ts) and the
// CLI (cli/main.ts): table names, retention, the lock's lease, the track resolver, and the options a
// run takes when neither the command line nor the request sets them.
import { resolveTrackId } from '@f1/race-sim/tracks'
import { DEFAULT_SEGMENTS, type MigratorJobConfig } from '../config.ts'
import type { BackfillDeps, BackfillOptions, MigrationTableNames } from './backfill.ts'

/** What a backfill, a verify and the lazy migration need besides the clients, the log and the clock. */
export type MigrationDeps = Omit<BackfillDeps, 'clients' | 'log' | 'now'>

export type RunDefaults = Pick<BackfillOptions, 'segments' | 'pageSize' | 'batchSize' | 'concurrency'>

export interface MigrationSetup {
  deps: MigrationDeps
  defaults: RunDefaults
}

function tableNamesOf(config: MigratorJobConfig): MigrationTableNames {
  return {
    legacy: config.LEGACY_METADATA_TABLE,
    subscriptions: config.USER_SUBSCRIPTIONS_TABLE,
    usage: config.USER_USAGE_TABLE,
    actions: config.USER_ACTIONS_LOG_TABLE,
    simulations: config.SIMULATION_RESULTS_TABLE,
    migration: config.MIGRATION_STATE_TABLE,
  }
}

export function migrationSetupOf(config: MigratorJobConfig): MigrationSetup {
  return {
    deps: {
      names: tableNamesOf(config),
      retention: {
        usageDays: config.USAGE_RETENTION_DAYS,
        actionDays: config.ACTION_RETENTION_DAYS,
        migratedDays: config.MIGRATED_RETENTION_DAYS,
      },
      leaseMs: config.MIGRATION_LOCK_LEASE_S * 1000,
      resolveTrack: resolveTrackId,
    },
    defaults: {
      segments: config.MIGRATION_SEGMENTS ?? DEFAULT_SEGMENTS,
      pageSize: config.MIGRATION_PAGE_SIZE,
      batchSize: config.MIGRATION_BATCH_SIZE,
      concurrency: config.MIGRATION_CONCURRENCY,
    },
  }
}
