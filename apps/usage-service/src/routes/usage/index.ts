// /users/:userId/usage: consume (per-request counting) and read per-day feature usage.
import { FEATURES, UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { ConsumeBodySchema, ConsumeResponseSchema, UsageDayQuerySchema, UsageDaySchema, type UsageDay } from '@f1/contracts/usage'
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
        response: { 200: ConsumeResponseSchema, 429: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const now = options.now()
      const { userId } = request.params
      const { feature, amount = 1, limit, include_day: includeDay } = request.body
      const consumed = app.usage
        .consumeQuota({ userId, feature, amount, limit, now })
        .catch((err: unknown) => announceRefusal(app, request, userId, err, now))
      if (!includeDay) return consumed
      // The day is read beside the update, not after it: one round trip. The counter just counted
      // comes from the update itself, so the read never shows it stale.
      const date = utcDay(now)
      const [counter, features] = await Promise.all([consumed, app.usage.findDayUsage(userId, date)])
      const counters = new Map(features.map((f) => [f.feature, f]))
      counters.set(feature, counter)
      const day: UsageDay = { date, reset_date: resetInstant(date).toISOString(), features: FEATURES.flatMap((f) => counters.get(f) ?? []) }
      return { ...counter, day }
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
