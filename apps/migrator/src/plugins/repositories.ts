// The migrator's repositories for the service (the lazy migration and the status routes), and the
// /ready probes of the legacy and migration tables.
import fp from 'fastify-plugin'
import { Pacer } from '../lib/pacer.ts'
import type { MigrationTableNames } from '../migration/backfill.ts'
import { createLegacyRepository, type LegacyRepository } from '../repositories/legacy.ts'
import { createStateRepository, type StateRepository } from '../repositories/state/index.ts'
import { createTargetsRepository, type TargetsRepository } from '../repositories/targets.ts'

declare module 'fastify' {
  interface FastifyInstance {
    legacy: LegacyRepository
    targets: TargetsRepository
    migrationState: StateRepository
  }
}

export interface RepositoriesOptions {
  names: MigrationTableNames
  batchSize: number
  concurrency: number
}

export default fp<RepositoriesOptions>(
  async (app, options) => {
    const { doc, client } = app.dynamo
    const readPacer = new Pacer({ concurrency: options.concurrency })
    const writePacer = new Pacer({ concurrency: options.concurrency })
    const legacy = createLegacyRepository({ doc, client, tableName: options.names.legacy, readPacer })
    const state = createStateRepository({ doc, tableName: options.names.migration, pacer: new Pacer({ concurrency: 32 }) })
    app.decorate('legacy', legacy)
    app.decorate('targets', createTargetsRepository({ doc, names: options.names, writePacer, readPacer, batchSize: options.batchSize }))
    app.decorate('migrationState', state)
    app.addReadinessCheck('legacy-table', (signal) => legacy.ping(signal))
    app.addReadinessCheck('migration-table', (signal) => state.ping(signal))
  },
  { name: 'migration-repositories', dependencies: ['dynamodb'], fastify: '5.x' },
)
