// The gateway's client of usage-service: per-request counting and reads (`app.usageService`), and
// the charges of metered work, to settle an operation it lost sight of (`app.usageCharges`).
import fp from 'fastify-plugin'
import type { FeatureName } from '@f1/contracts/common'
import type { ConsumeResponse, UsageDay } from '@f1/contracts/usage'
import { createServiceClient } from '@f1/service-kit/service-client'
import { createChargesClient, type ChargesClient } from '@f1/usage-service/client'

export interface UsageServiceClient {
  /** Counts a use; with `includeDay`, the answer also holds every counter of the day (`day`). */
  consume(input: {
    userId: string
    feature: FeatureName
    amount?: number
    limit: number
    includeDay?: boolean
    requestId: string
  }): Promise<ConsumeResponse>
  readDay(input: { userId: string; date?: string | undefined; requestId: string }): Promise<UsageDay>
}

declare module 'fastify' {
  interface FastifyInstance {
    usageService: UsageServiceClient
    usageCharges: ChargesClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number }>(
  async (app, options) => {
    const client = createServiceClient({ name: 'usage-service', ...options })
    const path = (userId: string, rest: string) => `/users/${encodeURIComponent(userId)}/usage${rest}`
    app.decorate('usageService', {
      consume: ({ userId, feature, amount, limit, includeDay, requestId }) =>
        client.call<ConsumeResponse>({
          method: 'POST',
          path: path(userId, '/consume'),
          body: { feature, limit, ...(amount === undefined ? {} : { amount }), ...(includeDay ? { include_day: true } : {}) },
          requestId,
        }),
      readDay: ({ userId, date, requestId }) =>
        client.call<UsageDay>({ method: 'GET', path: path(userId, ''), query: { date }, requestId }),
    } satisfies UsageServiceClient)
    app.decorate('usageCharges', createChargesClient(options))
  },
  { name: 'usage-service-client', fastify: '5.x' },
)
