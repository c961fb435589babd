// The gateway's client of the migrator (admin routes only).
import fp from 'fastify-plugin'
import type {
  RunView,
  StartRunBody,
  StartRunResponse,
  StartVerificationBody,
  StartVerificationResponse,
  Status,
  VerificationView,
} from '@f1/contracts/migrations'
import type { KindStageView, MigrationKind, PutStageBody, StagesResponse } from '@f1/contracts/migration-stages'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface MigratorServiceClient {
  status(input: { requestId: string }): Promise<Status>
  startBackfill(input: { options: StartRunBody; requestId: string }): Promise<StartRunResponse>
  run(input: { runId: string; requestId: string }): Promise<RunView>
  startVerify(input: { options: StartVerificationBody; requestId: string }): Promise<StartVerificationResponse>
  verification(input: { verificationId: string; requestId: string }): Promise<VerificationView>
  stages(input: { requestId: string }): Promise<StagesResponse>
  setStage(input: { kind: MigrationKind; change: PutStageBody; changedBy: string; requestId: string }): Promise<KindStageView>
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
      run: ({ runId, requestId }) => client.call({ method: 'GET', path: `/runs/${encodeURIComponent(runId)}`, requestId }),
      startVerify: ({ options: body, requestId }) => client.call({ method: 'POST', path: '/verifications', body, requestId }),
      verification: ({ verificationId, requestId }) =>
        client.call({ method: 'GET', path: `/verifications/${encodeURIComponent(verificationId)}`, requestId }),
      stages: ({ requestId }) => client.call({ method: 'GET', path: '/stages', requestId }),
      setStage: ({ kind, change, changedBy, requestId }) =>
        client.call({ method: 'PUT', path: `/stages/${encodeURIComponent(kind)}`, body: { ...change, changed_by: changedBy }, requestId }),
    } satisfies MigratorServiceClient)
  },
  { name: 'migrator-service-client', fastify: '5.x' },
)
