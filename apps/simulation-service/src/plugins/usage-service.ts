// simulation-service's client of usage-service: the charges that pay for simulations (`app.usageCharges`).
import fp from 'fastify-plugin'
import { createChargesClient, type ChargesClient } from '@f1/usage-service/client'

declare module 'fastify' {
  interface FastifyInstance {
    usageCharges: ChargesClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number }>(
  async (app, options) => {
    app.decorate('usageCharges', createChargesClient(options))
  },
  { name: 'usage-service-client', fastify: '5.x' },
)
