// The gateway's client of usage-service, with one method per call it makes.
import fp from 'fastify-plugin'
import type { FeatureName } from '@f1/contracts/common'
import type { UsageCounter, UsageDay } from '@f1/contracts/usage'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface UsageServiceClient {
  consume(input: {
    userId: string
    feature: FeatureName
    amount?: number
    limit: number
    requestId: string
    idempotencyKey?: string
  }): Promise<UsageCounter>
  refund(input: {
    userId: string
    feature: FeatureName
    amount: number
    date: string
    requestId: string
    idempotencyKey?: string
  }): Promise<UsageCounter>
  readDay(input: { userId: string; date?: string | undefined; requestId: string }): Promise<UsageDay>
}

declare module 'fastify' {
  interface FastifyInstance {
    usageService: UsageServiceClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number }>(
  async (app, options) => {
    const client = createServiceClient({ name: 'usage-service', ...options })
    const path = (userId: string, rest: string) => `/users/${encodeURIComponent(userId)}/usage${rest}`
    const idempotency = (key?: string) => (key ? { 'idempotency-key': key } : undefined)
    app.decorate('usageService', {
      consume: ({ userId, feature, amount, limit, requestId, idempotencyKey }) =>
        client.call<UsageCounter>({
          method: 'POST',
          path: path(userId, '/consume'),
          body: { feature, limit, ...(amount === undefined ? {} : { amount }) },
          requestId,
          ...(idempotencyKey ? { headers: idempotency(idempotencyKey) } : {}),
        }),
      refund: ({ userId, feature, amount, date, requestId, idempotencyKey }) =>
        client.call<UsageCounter>({
          method: 'POST',
          path: path(userId, '/refund'),
          body: { feature, amount, date },
          requestId,
          ...(idempotencyKey ? { headers: idempotency(idempotencyKey) } : {}),
        }),
      readDay: ({ userId, date, requestId }) =>
        client.call<UsageDay>({ method: 'GET', path: path(userId, ''), query: { date }, requestId }),
    } satisfies UsageServiceClient)
  },
  { name: 'usage-service-client', fastify: '5.x' },
)
