// /api/users: the signed-in user's profile, plan and usage. Every route is plan-secured.
import Type from 'typebox'
import { FEATURES, IsoDateSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { UsageDay } from '@f1/contracts/usage'
import { MeResponseSchema, UsageSummarySchema, type UsageSummary } from '@f1/contracts/users'
import { getPlan } from '@f1/plans'
import type { PlanId } from '@f1/contracts/common'
import type { ServiceApp } from '@f1/service-kit'
import type { FastifyRequest } from 'fastify'
import { UnknownUserError } from '../../errors.ts'
import { SIGNED_IN } from '../../lib/security.ts'

const errors = { 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema }

/** Every feature of the plan with today's count (zero when unused) and the plan's limit. */
function summarise(planId: PlanId, day: UsageDay): UsageSummary {
  const plan = getPlan(planId)
  const counts = new Map(day.features.map((f) => [f.feature, f.usage_count]))
  return {
    plan_id: planId,
    date: day.date,
    reset_date: day.reset_date,
    features: FEATURES.map((feature) => {
      const usage = counts.get(feature) ?? 0
      const limit = plan.limits[feature]
      return {
        feature,
        date: day.date,
        usage_count: usage,
        limit_value: limit,
        remaining: Math.max(0, limit - usage),
        reset_date: day.reset_date,
      }
    }),
  }
}

export default async function userRoutes(app: ServiceApp) {
  app.usePlanSecurity()

  /**
   * A day's usage (default today): today's came with this request's api_request consume (routes
   * with `usageDay`), so only another day costs a call.
   */
  const usageOn = async (request: FastifyRequest, date?: string): Promise<UsageDay> => {
    const today = request.usageToday
    if (today && (date === undefined || date === today.date)) return today
    return app.usageService.readDay({ userId: request.user.sub, date, requestId: request.id })
  }

  app.get(
    '/api/users/me',
    {
      config: { usageDay: true },
      schema: {
        summary: "The signed-in user: profile, plan and today's usage",
        tags: ['users'],
        security: SIGNED_IN,
        response: { 200: MeResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { planId, subscription } = request
      const userId = request.user.sub
      const [profile, day] = await Promise.all([app.profiles.findProfileById(userId), usageOn(request)])
      if (!profile) throw new UnknownUserError()
      return {
        profile: {
          user_id: profile.user_id,
          email: profile.email,
          name: profile.name ?? '',
          role: profile.role ?? 'user',
          created_at: String(profile.created_at ?? ''),
        },
        plan_id: planId,
        subscription,
        usage: summarise(planId, day),
      }
    },
  )

  app.get(
    '/api/users/usage',
    {
      config: { usageDay: true },
      schema: {
        summary: "Usage of every feature on a UTC day (default today) against the plan's limits",
        tags: ['users'],
        security: SIGNED_IN,
        querystring: Type.Object({ date: Type.Optional(IsoDateSchema) }, { additionalProperties: false }),
        response: { 200: UsageSummarySchema, 400: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      return summarise(request.planId, await usageOn(request, request.query.date))
    },
  )
}
