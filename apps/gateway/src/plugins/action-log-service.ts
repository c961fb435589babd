// The gateway's client of action-log-service.
import fp from 'fastify-plugin'
import type { ActionPage, ActionQuery } from '@f1/contracts/actions'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface ActionLogServiceClient {
  listActions(input: { userId: string; query: ActionQuery; requestId: string }): Promise<ActionPage>
}

declare module 'fastify' {
  interface FastifyInstance {
    actionLogService: ActionLogServiceClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number }>(
  async (app, options) => {
    const client = createServiceClient({ name: 'action-log-service', ...options })
    app.decorate('actionLogService', {
      listActions: ({ userId, query, requestId }) =>
        client.call({
          method: 'GET',
          path: `/users/${encodeURIComponent(userId)}/actions`,
          query: { ...query, limit: query.limit === undefined ? undefined : String(query.limit) },
          requestId,
        }),
    } satisfies ActionLogServiceClient)
  },
  { name: 'action-log-service-client', fastify: '5.x' },
)
