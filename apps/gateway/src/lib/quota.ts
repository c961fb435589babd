// Plan-gated work: check the plan includes each feature, consume every charge atomically in
// usage-service, and give everything back if the work then fails (compensation).
import type { FeatureName, PlanId } from '@f1/contracts/common'
import type { QuotaCharge } from '@f1/contracts/simulations'
import { refundKey } from '@f1/contracts/usage'
import { cheapestPlanWith, featureLimit } from '@f1/plans'
import { ForbiddenError, withExtras } from '@f1/service-kit/errors'
import type { FastifyInstance, FastifyRequest } from 'fastify'

export interface Charge {
  feature: FeatureName
  amount: number
}

/** 403 naming the cheapest plan that has the feature, when the user's plan lacks it. */
export function requireFeature(planId: PlanId, feature: FeatureName): void {
  if (featureLimit(planId, feature) > 0) return
  const needed = cheapestPlanWith(feature)
  throw withExtras(new ForbiddenError(`Your ${planId} plan does not include ${feature}; the ${needed} plan does`), {
    details: { feature, plan_id: planId, required_plan_id: needed },
  })
}

/** Gives back what was charged; idempotent per request and feature (the Simulation Failed consumer uses the same key). */
export async function refundCharges(app: FastifyInstance, request: FastifyRequest, userId: string, charged: QuotaCharge[]): Promise<void> {
  for (const charge of charged) {
    try {
      await app.usageService.refund({
        userId,
        feature: charge.feature,
        amount: charge.amount,
        date: charge.date,
        requestId: request.id,
        idempotencyKey: refundKey(request.id, charge.feature),
      })
    } catch (err) {
      // The event path (Simulation Failed -> usage-service) retries this refund under the same key.
      request.log.error({ err, charge }, 'refund failed')
    }
  }
}

/**
 * Consumes every charge against the plan's limits (keyed by request id, so a retried call counts
 * once), runs `work`, and refunds all charges if a later charge or the work fails.
 */
export async function withCharges<T>(
  app: FastifyInstance,
  request: FastifyRequest,
  userId: string,
  planId: PlanId,
  charges: Charge[],
  work: (charged: QuotaCharge[]) => Promise<T>,
): Promise<T> {
  for (const charge of charges) requireFeature(planId, charge.feature)
  const charged: QuotaCharge[] = []
  try {
    for (const charge of charges) {
      const counter = await app.usageService.consume({
        userId,
        feature: charge.feature,
        amount: charge.amount,
        limit: featureLimit(planId, charge.feature),
        requestId: request.id,
        idempotencyKey: `consume:${request.id}:${charge.feature}`.slice(0, 128),
      })
      charged.push({ feature: charge.feature, amount: charge.amount, date: counter.date })
    }
    return await work(charged)
  } catch (err) {
    await refundCharges(app, request, userId, charged)
    throw err
  }
}
