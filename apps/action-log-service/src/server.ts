// action-log-service process: `node --import tsx src/server.ts`.
import { runService } from '@f1/service-kit/server'
import { buildApp } from './app.ts'
import { loadActionLogConfig } from './config.ts'

await runService({
  name: 'action-log-service',
  config: () => loadActionLogConfig(),
  port: (config) => config.ACTION_LOG_SERVICE_PORT,
  build: (config) => buildApp(config),
})
