// migrator: builds the app (never listens; server.ts does). Lazy backfill from user events,
// backfill runs and verifies over HTTP, and their status. The bulk backfill also runs as a CLI (bin/migrator.ts).
import eventConsumer, { eventDelivery, type EventHandler } from '@f1/events/consumer'
import outbox from '@f1/events/plugin'
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { callerTokens } from '@f1/service-kit/config'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import migrationStage from '@f1/tables/migration-stage-plugin'
import dynamodb from '@f1/tables/plugin'
import { readsLegacy } from '@f1/contracts/migration-stages'
import { TARGET_TABLES, type TargetTable } from '@f1/legacy/result'
import { sampled, type KindStage } from '@f1/tables/migration-stages'
import type { FastifyBaseLogger } from 'fastify'
import type { MigratorConfig } from './config.ts'
import { migrateUser, type LazyDeps } from './migration/lazy.ts'
import { compareUserWithLegacy } from './migration/shadow.ts'
import { migrationSetupOf } from './migration/setup.ts'
import repositories from './plugins/repositories.ts'
import runs from './plugins/runs.ts'
import verifications from './plugins/verifications.ts'
import runRoutes from './routes/runs/index.ts'
import stageRoutes from './routes/stages/index.ts'
import statusRoutes from './routes/status/index.ts'
import verificationRoutes from './routes/verifications/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock written as migrated_at (tests). */
  now?: () => Date
}

export async function buildApp(config: MigratorConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date())
  const { deps, defaults } = migrationSetupOf(config)
  const { names } = deps
  const app = createServiceApp({ name: 'migrator', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  await app.register(outbox, { table: 'migration', tableName: names.migration })
  await app.register(repositories, { names, batchSize: defaults.batchSize, concurrency: defaults.concurrency })
  await app.register(runs, { deps: { ...deps, now }, defaults })
  await app.register(verifications, { deps: { ...deps, now }, defaults })
  await app.register(migrationStage, { tableName: names.migration, cacheMs: config.MIGRATION_STAGE_CACHE_MS })

  /** In shadow, a sampled sign-in of a migrated user compares their legacy items with their rows; never fails the event. */
  async function shadowCompare(userId: string, stages: ReadonlyArray<readonly [TargetTable, KindStage]>, log: FastifyBaseLogger) {
    // Subscriptions are compared where they are read (subscription-service), not here.
    const kinds = new Set(
      stages.filter(([kind, s]) => kind !== 'subscriptions' && s.stage === 'shadow' && sampled(s.shadowSampleRate)).map(([kind]) => kind),
    )
    if (kinds.size === 0) return
    try {
      await compareUserWithLegacy(
        {
          legacy: app.legacy,
          targets: app.targets,
          now,
          resolveTrack: deps.resolveTrack,
          retention: deps.retention,
          compared: (kind, outcome, sample) => app.shadow.compared(kind, outcome, sample),
          legacyRead: (kind, count) => app.shadow.legacyRead(kind, count),
        },
        userId,
        kinds,
      )
    } catch (err) {
      log.warn({ err, user_id: userId }, 'shadow comparison with legacy failed; the event is handled all the same')
    }
  }

  // Lazy backfill: a user who shows up has their legacy items migrated, once.
  const migrateOnActivity: EventHandler<'UserSignedIn' | 'UserRegistered'> = async (detail, { eventId, log }) => {
    const userId = detail.user_id
    const migratedEvent: LazyDeps['migratedEvent'] = (written, rejected) =>
      app.outbox.put(app.outbox.event('UserMigrated', { id: detail.correlation_id }, userId, { written, rejected }))
    // Only the kinds whose stage still reads legacy are copied.
    const stages = await Promise.all(TARGET_TABLES.map(async (kind) => [kind, await app.migrationStages.get(kind)] as const))
    const lazy: LazyDeps = {
      kinds: new Set(stages.filter(([, { stage }]) => readsLegacy(stage)).map(([kind]) => kind)),
      legacyRead: (kind, count) => app.shadow.legacyRead(kind, count),
      legacy: app.legacy,
      targets: app.targets,
      markers: app.migrationState,
      resolveTrack: deps.resolveTrack,
      retention: deps.retention,
      now,
      migratedEvent,
    }
    const result = await migrateUser(lazy, userId, eventId)
    if (result.status === 'already_migrated') await shadowCompare(userId, stages, log)
    if (result.status !== 'migrated') {
      log.info(
        { user_id: userId, status: result.status },
        result.status === 'not_read' ? 'no kind reads legacy any more; nothing to migrate' : 'user already migrated; nothing to do',
      )
      return
    }
    log.info({ user_id: userId, written: result.written, rejected: result.rejected }, 'user migrated from legacy')
  }
  await app.register(eventConsumer, {
    ...eventDelivery(config),
    handlers: { UserSignedIn: migrateOnActivity, UserRegistered: migrateOnActivity },
  })

  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(callerTokens(config, 'migrator')))
    await scope.register(runRoutes)
    await scope.register(verificationRoutes)
    await scope.register(statusRoutes)
    await scope.register(stageRoutes, {
      deps: {
        doc: app.dynamo.doc,
        tableName: names.migration,
        latestVerification: () => app.migrationState.latestVerification(),
        rails: {
          minComparisons: config.MIGRATION_SHADOW_MIN_COMPARISONS,
          minConsistency: config.MIGRATION_SHADOW_MIN_CONSISTENCY,
          newOnlyMinMs: config.MIGRATION_NEW_ONLY_MIN_HOURS * 3_600_000,
        },
        now,
      },
    })
  })
  return app
}
