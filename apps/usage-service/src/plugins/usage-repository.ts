// Exposes the usage table's repository to the routes, and its probe to /ready.
import fp from 'fastify-plugin'
import { createUsageRepository, type UsageRepository } from '../repositories/usage.ts'

declare module 'fastify' {
  interface FastifyInstance {
    usage: UsageRepository
  }
}

export default fp<{ tableName: string; retentionDays: number }>(
  async (app, options) => {
    const repository = createUsageRepository({ doc: app.dynamo.doc, ...options })
    app.decorate('usage', repository)
    app.addReadinessCheck('dynamodb', (signal) => repository.ping(signal))
  },
  { name: 'usage-repository', dependencies: ['dynamodb'], fastify: '5.x' },
)
