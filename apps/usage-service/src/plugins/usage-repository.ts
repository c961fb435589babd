// Exposes the usage table's repositories to the routes (counters and charges), and its probe to /ready.
import fp from 'fastify-plugin'
import { createChargesRepository, type ChargesRepository } from '../repositories/charges.ts'
import { createUsageRepository, type UsageRepository } from '../repositories/usage.ts'

declare module 'fastify' {
  interface FastifyInstance {
    usage: UsageRepository
    charges: ChargesRepository
  }
}

export default fp<{ tableName: string; retentionDays: number }>(
  async (app, options) => {
    const repository = createUsageRepository({ doc: app.dynamo.doc, ...options })
    app.decorate('usage', repository)
    app.decorate('charges', createChargesRepository({ doc: app.dynamo.doc, ...options }))
    app.addReadinessCheck('dynamodb', (signal) => repository.ping(signal))
  },
  { name: 'usage-repository', dependencies: ['dynamodb'], fastify: '5.x' },
)
