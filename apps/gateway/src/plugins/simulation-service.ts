// The gateway's client of simulation-service.
import fp from 'fastify-plugin'
import type {
  OptimizeBody,
  OptimizeResult,
  QuotaCharge,
  Simulation,
  SimulationListQuery,
  SimulationPage,
  SimulationRequest,
  TrackList,
} from '@f1/contracts/simulations'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface SimulationServiceClient {
  run(input: { userId: string; body: Omit<SimulationRequest, 'quota'>; quota: QuotaCharge[]; requestId: string }): Promise<Simulation>
  list(input: { userId: string; query: SimulationListQuery; requestId: string }): Promise<SimulationPage>
  get(input: { userId: string; simulationId: string; requestId: string }): Promise<Simulation>
  tracks(input: { requestId: string }): Promise<TrackList>
  optimize(input: { userId: string; body: OptimizeBody; requestId: string }): Promise<OptimizeResult>
}

declare module 'fastify' {
  interface FastifyInstance {
    simulationService: SimulationServiceClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number; runTimeoutMs: number }>(
  async (app, options) => {
    const client = createServiceClient({ name: 'simulation-service', ...options })
    // Monte Carlo studies take seconds: running them gets its own, longer timeout.
    const runner = createServiceClient({ name: 'simulation-service', ...options, timeoutMs: options.runTimeoutMs })
    const user = (userId: string, rest: string) => `/users/${encodeURIComponent(userId)}${rest}`
    app.decorate('simulationService', {
      run: ({ userId, body, quota, requestId }) =>
        runner.call({ method: 'POST', path: user(userId, '/simulations'), body: { ...body, quota }, requestId }),
      list: ({ userId, query, requestId }) =>
        client.call({
          method: 'GET',
          path: user(userId, '/simulations'),
          query: { cursor: query.cursor, limit: query.limit === undefined ? undefined : String(query.limit) },
          requestId,
        }),
      get: ({ userId, simulationId, requestId }) =>
        client.call({ method: 'GET', path: `/simulations/${encodeURIComponent(simulationId)}`, query: { user_id: userId }, requestId }),
      tracks: ({ requestId }) => client.call({ method: 'GET', path: '/tracks', requestId }),
      optimize: ({ userId, body, requestId }) =>
        runner.call({ method: 'POST', path: user(userId, '/strategies/optimize'), body, requestId }),
    } satisfies SimulationServiceClient)
  },
  { name: 'simulation-service-client', fastify: '5.x' },
)
