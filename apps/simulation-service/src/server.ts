// simulation-service process: `node --import tsx src/server.ts`.
import { runService } from '@f1/service-kit/server'
import { buildApp } from './app.ts'
import { loadSimulationConfig } from './config.ts'

await runService({
  name: 'simulation-service',
  config: () => loadSimulationConfig(),
  port: (config) => config.SIMULATION_SERVICE_PORT,
  build: (config) => buildApp(config),
})
