// /users/:userId/usage: consume (per-request counting) and read per-day feature usage.
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { ConsumeBodySchema, UsageCounterSchema, UsageDayQuerySchema, UsageDaySchema } from '@f1/contracts/usage'
import type { ServiceApp } from '@f1/service-kit'
import { utcDay } from '@f1/tables/keys'
import { InvalidDayError } from '../../errors.ts'
import { isRealDay, resetInstant } from '../../lib/days.ts'
import { announceRefusal } from '../../lib/limit-reached.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export interface UsageRoutesOptions {
  now: () => Date
}

export default async function usageRoutes(app: ServiceApp, options: UsageRoutesOptions) {
  app.post(
    '/users/:userId/usage/consume',
    {
      schema: {
        summary: 'Count one use of a feature against its daily limit, atomically',
        description: 'For per-request counting (api_request). Work that can fail or be retried is charged with /charges instead.',
        params: UserIdParamsSchema,
        body: ConsumeBodySchema,
        response: { 200: UsageCounterSchema, 429: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const now = options.now()
      const { userId } = request.params
      const { feature, amount = 1, limit } = request.body
      return app.usage
        .consumeQuota({ userId, feature, amount, limit, now })
        .catch((err: unknown) => announceRefusal(app, request, userId, err, now))
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
