// The gateway's client of simulation-service.
import fp from 'fastify-plugin'
import type {
  OptimizeBody,
  OptimizeResult,
  Operation,
  Simulation,
  SimulationListQuery,
  SimulationPage,
  SimulationRequest,
  TrackList,
} from '@f1/contracts/simulations'
import type { RaceInfo } from '@f1/contracts/races'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface SimulationServiceClient {
  /** Runs (or, for an operation run before, answers) a simulation; `deadline` overrides the request's. */
  run(input: {
    userId: string
    body: Omit<SimulationRequest, 'operation'>
    operation: Operation
    requestId: string
    deadline?: number
  }): Promise<Simulation>
  list(input: { userId: string; query: SimulationListQuery; requestId: string }): Promise<SimulationPage>
  get(input: { userId: string; simulationId: string; requestId: string }): Promise<Simulation>
  /** Cancels a queued or running job of the user; answers the cancelled job, or the job still cancelling (its runner keeping the runs done). */
  cancel(input: { userId: string; simulationId: string; requestId: string }): Promise<Simulation>
  tracks(input: { requestId: string }): Promise<TrackList>
  race(input: { trackId: string; season: number; requestId: string }): Promise<RaceInfo>
  /** The optimizer's answer; with evaluate_runs, the job it queued (a Simulation with mode optimize and a status). */
  optimize(input: {
    userId: string
    body: OptimizeBody
    operation: Operation
    requestId: string
    deadline?: number
  }): Promise<OptimizeResult | Simulation>
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
      run: ({ userId, body, operation, requestId, deadline }) =>
        runner.call({
          method: 'POST',
          path: user(userId, '/simulations'),
          body: { ...body, operation },
          requestId,
          ...(deadline ? { deadline } : {}),
        }),
      list: ({ userId, query, requestId }) =>
        client.call({
          method: 'GET',
          path: user(userId, '/simulations'),
          query: { cursor: query.cursor, limit: query.limit === undefined ? undefined : String(query.limit) },
          requestId,
        }),
      get: ({ userId, simulationId, requestId }) =>
        client.call({ method: 'GET', path: `/simulations/${encodeURIComponent(simulationId)}`, query: { user_id: userId }, requestId }),
      cancel: ({ userId, simulationId, requestId }) =>
        client.call({ method: 'DELETE', path: `/simulations/${encodeURIComponent(simulationId)}`, query: { user_id: userId }, requestId }),
      tracks: ({ requestId }) => client.call({ method: 'GET', path: '/tracks', requestId }),
      race: ({ trackId, season, requestId }) =>
        client.call({ method: 'GET', path: `/tracks/${encodeURIComponent(trackId)}/races/${season}`, requestId }),
      optimize: ({ userId, body, operation, requestId, deadline }) =>
        runner.call({
          method: 'POST',
          path: user(userId, '/strategies/optimize'),
          body: { ...body, operation },
          requestId,
          ...(deadline ? { deadline } : {}),
        }),
    } satisfies SimulationServiceClient)
  },
  { name: 'simulation-service-client', fastify: '5.x' },
)
