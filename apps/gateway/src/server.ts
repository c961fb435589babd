// gateway process: `node --import tsx src/server.ts`.
import { runService } from '@f1/service-kit/server'
import { buildApp } from './app.ts'
import { loadGatewayConfig } from './config.ts'

await runService({
  name: 'gateway',
  config: () => loadGatewayConfig(),
  port: (config) => config.GATEWAY_PORT,
  build: (config) => buildApp(config),
})
