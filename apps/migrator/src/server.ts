// migrator process: `node --import tsx src/server.ts`.
import { runService } from '@f1/service-kit/server'
import { buildApp } from './app.ts'
import { loadMigratorConfig } from './config.ts'

await runService({
  name: 'migrator',
  config: () => loadMigratorConfig(),
  port: (config) => config.MIGRATOR_PORT,
  build: (config) => buildApp(config),
})
