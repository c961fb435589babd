// migrator: builds the app (never listens; server.ts does). Lazy backfill from user events,
// backfill runs over HTTP, and their status. The bulk backfill also runs as a CLI (bin/migrator.ts).
import eventConsumer, { type EventHandler } from '@f1/events/consumer'
import outbox from '@f1/events/plugin'
import { resolveTrackId } from '@f1/race-sim/tracks'
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import dynamodb from '@f1/tables/plugin'
import { DEFAULT_SEGMENTS, type MigratorConfig } from './config.ts'
import type { RetentionPolicy } from './lib/retention.ts'
import type { MigrationTableNames } from './migration/backfill.ts'
import { migrateUser, type LazyDeps } from './migration/lazy.ts'
import repositories from './plugins/repositories.ts'
import runs from './plugins/runs.ts'
import runRoutes from './routes/runs/index.ts'
import statusRoutes from './routes/status/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock written as migrated_at (tests). */
  now?: () => Date
}

export function tableNamesOf(config: MigratorConfig): MigrationTableNames {
  return {
    legacy: config.LEGACY_METADATA_TABLE,
    subscriptions: config.USER_SUBSCRIPTIONS_TABLE,
    usage: config.USER_USAGE_TABLE,
    actions: config.USER_ACTIONS_LOG_TABLE,
    simulations: config.SIMULATION_RESULTS_TABLE,
    migration: config.MIGRATION_STATE_TABLE,
  }
}

export async function buildApp(config: MigratorConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date())
  const names = tableNamesOf(config)
  const retention: RetentionPolicy = {
    usageDays: config.USAGE_RETENTION_DAYS,
    actionDays: config.ACTION_RETENTION_DAYS,
    migratedDays: config.MIGRATED_RETENTION_DAYS,
  }
  const app = createServiceApp({ name: 'migrator', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  await app.register(outbox, { table: 'migration', tableName: names.migration })
  await app.register(repositories, { names, batchSize: config.MIGRATION_BATCH_SIZE, concurrency: config.MIGRATION_CONCURRENCY })
  await app.register(runs, {
    deps: { names, retention, resolveTrack: resolveTrackId, leaseMs: config.MIGRATION_LOCK_LEASE_S * 1000, now },
    defaults: { pageSize: config.MIGRATION_PAGE_SIZE, batchSize: config.MIGRATION_BATCH_SIZE, concurrency: config.MIGRATION_CONCURRENCY },
  })

  // Lazy backfill: a user who shows up has their legacy items migrated, once.
  const migrateOnActivity: EventHandler<'UserSignedIn' | 'UserRegistered'> = async (detail, { eventId, log }) => {
    const userId = detail.user_id
    const migratedEvent: LazyDeps['migratedEvent'] = (written, rejected) =>
      app.outbox.put(app.outbox.event('UserMigrated', { id: detail.correlation_id }, userId, { written, rejected }))
    const deps = {
      legacy: app.legacy,
      targets: app.targets,
      state: app.migrationState,
      resolveTrack: resolveTrackId,
      retention,
      now,
      migratedEvent,
    }
    const result = await migrateUser(deps, userId, eventId)
    if (result.status !== 'migrated') {
      log.info({ user_id: userId, status: result.status }, 'user already migrated; nothing to do')
      return
    }
    log.info({ user_id: userId, written: result.written, rejected: result.rejected }, 'user migrated from legacy')
  }
  await app.register(eventConsumer, {
    secret: config.EVENT_BUS_SECRET,
    handlers: { UserSignedIn: migrateOnActivity, UserRegistered: migrateOnActivity },
  })

  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(config.SERVICE_TOKEN))
    await scope.register(runRoutes, { defaultSegments: config.MIGRATION_SEGMENTS ?? DEFAULT_SEGMENTS })
    await scope.register(statusRoutes)
  })
  return app
}
