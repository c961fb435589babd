// The gateway's client of the migrator (admin routes only).
import fp from 'fastify-plugin'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface BackfillOptions {
  dry_run?: boolean
  segments?: number
  rate?: number
  fresh?: boolean
}

export interface MigratorServiceClient {
  status(input: { requestId: string }): Promise<Record<string, unknown>>
  startBackfill(input: { options: BackfillOptions; requestId: string }): Promise<{ run_id: string } & Record<string, unknown>>
}

declare module 'fastify' {
  interface FastifyInstance {
    migratorService: MigratorServiceClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number }>(
  async (app, options) => {
    const client = createServiceClient({ name: 'migrator', ...options })
    app.decorate('migratorService', {
      status: ({ requestId }) => client.call({ method: 'GET', path: '/status', requestId }),
      startBackfill: ({ options: body, requestId }) => client.call({ method: 'POST', path: '/runs', body, requestId }),
    } satisfies MigratorServiceClient)
  },
  { name: 'migrator-service-client', fastify: '5.x' },
)
