// subscription-service process: `node --import tsx src/server.ts`.
import { runService } from '@f1/service-kit/server'
import { buildApp } from './app.ts'
import { loadSubscriptionConfig } from './config.ts'

await runService({
  name: 'subscription-service',
  config: () => loadSubscriptionConfig(),
  port: (config) => config.SUBSCRIPTION_SERVICE_PORT,
  build: (config) => buildApp(config),
})
