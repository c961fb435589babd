// /api/plans: the plan catalog with each plan's daily limits; public, so a plan page can compare them.
import { ErrorBodySchema } from '@f1/contracts/errors'
import { PlanListSchema, type PlanList } from '@f1/contracts/subscriptions'
import { PLANS } from '@f1/plans'
import type { ServiceApp } from '@f1/service-kit'

export default async function planRoutes(app: ServiceApp) {
  const answer: PlanList = {
    plans: Object.values(PLANS).map(({ id, name, limits, features }) => ({ id, name, limits: { ...limits }, features: { ...features } })),
  }
  app.get(
    '/api/plans',
    {
      schema: {
        summary: 'Every plan with its per-day limits (what an upgrade gives)',
        tags: ['subscriptions'],
        response: { 200: PlanListSchema, 503: ErrorBodySchema },
      },
    },
    async () => answer,
  )
}
