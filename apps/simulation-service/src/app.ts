// simulation-service: builds the app (never listens; server.ts does).
import events from '@f1/events/plugin'
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import dynamodb from '@f1/tables/plugin'
import type { SimulationConfig } from './config.ts'
import engine from './plugins/engine.ts'
import simulationsRepository from './plugins/simulations-repository.ts'
import { MAX_BLOB_BYTES } from './repositories/stored-results.ts'
import simulationRoutes from './routes/simulations/index.ts'
import strategyRoutes from './routes/strategies/index.ts'
import trackRoutes from './routes/tracks/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock of created_at and the ids. */
  now?: () => Date
  /** Size limits of stored results (tests lower them to reach compression and parts with small results). */
  resultLimits?: { compressAbove: number; maxBlob: number }
}

export async function buildApp(config: SimulationConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({ name: 'simulation-service', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })
  await app.register(events, { region: config.AWS_REGION, endpoint: config.EVENTBRIDGE_ENDPOINT, busName: config.EVENT_BUS_NAME })
  await app.register(engine, { workers: config.SIMULATION_WORKERS })
  await app.register(simulationsRepository, {
    tableName: config.SIMULATION_RESULTS_TABLE,
    limits: options.resultLimits ?? { compressAbove: config.SIMULATION_COMPRESS_ABOVE_BYTES, maxBlob: MAX_BLOB_BYTES },
  })
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(config.SERVICE_TOKEN))
    await scope.register(simulationRoutes, { now: options.now ?? (() => new Date()) })
    await scope.register(strategyRoutes)
    await scope.register(trackRoutes)
  })
  return app
}
