// For an app whose reads follow the migration's stages: the stages (read through a short cache from the migration state
// table) and the recorder of legacy reads and shadow comparisons, flushed while the app runs and once
// more when it closes.
import fp from 'fastify-plugin'
import { createShadowRecorder, createStageReader, type ShadowRecorder, type StageReader } from './migration-stages.ts'

declare module 'fastify' {
  interface FastifyInstance {
    migrationStages: StageReader
    shadow: ShadowRecorder
  }
}

export default fp<{ tableName: string; cacheMs: number }>(
  async (app, options) => {
    const { doc } = app.dynamo
    app.decorate(
      'migrationStages',
      createStageReader({
        doc,
        tableName: options.tableName,
        ttlMs: options.cacheMs,
        onError: (err) => app.log.warn({ err }, 'could not read the migration stages; the last known ones apply'),
      }),
    )
    const shadow = createShadowRecorder({
      doc,
      tableName: options.tableName,
      onError: (err) => app.log.warn({ err }, 'could not record shadow figures'),
    })
    app.decorate('shadow', shadow)
    app.addHook('onClose', () => shadow.close())
  },
  { name: 'migration-stage', dependencies: ['dynamodb'], fastify: '5.x' },
)
