// /users/:userId/usage: consume, refund and read per-day feature usage.
import Type from 'typebox'
import { UserIdParamsSchema, type FeatureName } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { ConsumeBodySchema, RefundBodySchema, UsageCounterSchema, UsageDayQuerySchema, UsageDaySchema } from '@f1/contracts/usage'
import type { ServiceApp } from '@f1/service-kit'
import type { FastifyRequest } from 'fastify'
import { InvalidDayError, QuotaExceededError } from '../../errors.ts'
import { isRealDay, resetInstant, utcDay } from '../../lib/days.ts'

const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })),
})

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export interface UsageRoutesOptions {
  now: () => Date
}

export default async function usageRoutes(app: ServiceApp, options: UsageRoutesOptions) {
  /** Publishes Usage Limit Reached the first time a user's feature is refused on a day. */
  async function announceLimitReached(request: FastifyRequest, userId: string, err: InstanceType<typeof QuotaExceededError>, now: Date) {
    const details = (err as { details?: { feature: FeatureName; date: string; usage_count: number; limit_value: number } }).details
    if (!details) return
    try {
      if (!(await app.usage.markLimitReached(userId, details.feature, details.date, now))) return
      const { feature, date, usage_count, limit_value } = details
      app.events.publish('UsageLimitReached', request, userId, { feature, date, usage_count, limit_value })
    } catch (markErr) {
      // The 429 is the answer that matters; a missed notification is only logged.
      request.log.warn({ err: markErr }, 'could not record that the limit was reached')
    }
  }

  app.post(
    '/users/:userId/usage/consume',
    {
      schema: {
        summary: 'Consume quota atomically',
        params: UserIdParamsSchema,
        headers: IdempotencyHeadersSchema,
        body: ConsumeBodySchema,
        response: { 200: UsageCounterSchema, 409: ErrorBodySchema, 429: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const now = options.now()
      const { userId } = request.params
      const result = await app.usage
        .consumeQuota({
          userId,
          feature: request.body.feature,
          amount: request.body.amount ?? 1,
          limit: request.body.limit,
          now,
          idempotencyKey: request.headers['idempotency-key'],
        })
        .catch(async (err: unknown) => {
          if (err instanceof QuotaExceededError) await announceLimitReached(request, userId, err, now)
          throw err
        })
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      const { replayed: _, ...counter } = result
      return counter
    },
  )

  app.post(
    '/users/:userId/usage/refund',
    {
      schema: {
        summary: 'Give back consumed quota (compensation), never below zero',
        params: UserIdParamsSchema,
        headers: IdempotencyHeadersSchema,
        body: RefundBodySchema,
        response: { 200: UsageCounterSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const day = request.body.date ?? utcDay(options.now())
      if (!isRealDay(day)) throw new InvalidDayError(day)
      const result = await app.usage.refundQuota({
        userId: request.params.userId,
        feature: request.body.feature,
        amount: request.body.amount,
        day,
        idempotencyKey: request.headers['idempotency-key'],
      })
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      const { replayed: _, ...counter } = result
      return counter
    },
  )

  app.get(
    '/users/:userId/usage',
    {
      schema: {
        summary: 'Every feature used on a UTC day (default today)',
        params: UserIdParamsSchema,
        querystring: UsageDayQuerySchema,
        response: { 200: UsageDaySchema, ...errors },
      },
    },
    async (request) => {
      const day = request.query.date ?? utcDay(options.now())
      if (!isRealDay(day)) throw new InvalidDayError(day)
      const features = await app.usage.findDayUsage(request.params.userId, day)
      return { date: day, reset_date: resetInstant(day).toISOString(), features }
    },
  )
}
