// usage-service process: `node --import tsx src/server.ts`.
import { runService } from '@f1/service-kit/server'
import { buildApp } from './app.ts'
import { loadUsageConfig } from './config.ts'

await runService({
  name: 'usage-service',
  config: () => loadUsageConfig(),
  port: (config) => config.USAGE_SERVICE_PORT,
  build: (config) => buildApp(config),
})
