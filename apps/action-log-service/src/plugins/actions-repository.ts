// Exposes the action log's repository and its /ready probe.
import fp from 'fastify-plugin'
import { createActionsRepository, type ActionsRepository } from '../repositories/actions.ts'

declare module 'fastify' {
  interface FastifyInstance {
    actions: ActionsRepository
  }
}

export default fp<{ tableName: string; retentionDays: number }>(
  async (app, options) => {
    const repository = createActionsRepository({ doc: app.dynamo.doc, ...options })
    app.decorate('actions', repository)
    app.addReadinessCheck('dynamodb', (signal) => repository.ping(signal))
  },
  { name: 'actions-repository', dependencies: ['dynamodb'], fastify: '5.x' },
)
