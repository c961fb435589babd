// The gateway's OpenAPI document without a running stack: the app is built with the dev settings,
// never listens and is closed again. The web console's API client is generated from it.
import { buildApp } from './app.ts'
import { loadGatewayConfig } from './config.ts'

export async function gatewayOpenApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp(loadGatewayConfig({ env: { STAGE: 'local' } }), { logger: false })
  try {
    await app.ready()
    return app.swagger() as unknown as Record<string, unknown>
  } finally {
    await app.close()
  }
}
