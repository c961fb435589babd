// Plan-gated, metered work: the gateway checks the plan includes each feature and hands
// simulation-service an operation (an id and what to charge); simulation-service charges, runs,
// stores and commits, or refunds. When the gateway loses sight of the work mid-way (a timeout, a
// reset), it settles the operation itself: a refund, which usage-service refuses once the work was
// committed, in which case the operation's answer is fetched by running it again (a replay).
import type { FeatureName, PlanId } from '@f1/contracts/common'
import type { Operation } from '@f1/contracts/simulations'
import { cheapestPlanWith, featureLimit } from '@f1/plans'
import { ForbiddenError, withExtras } from '@f1/service-kit/errors'
import { DeadlineExceededError } from '@f1/service-kit/deadline'
import { callOutcome, timedOut } from '@f1/service-kit/service-client'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ulid } from 'ulid'
import { OutcomeUnknownError } from '../errors.ts'

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

/** How long the gateway keeps trying to learn what became of an operation it lost sight of. */
const SETTLE_BUDGET_MS = 5_000

/**
 * Runs `call` under the request's operation with `charges` (each checked against the plan). A
 * failure whose outcome is unknown is settled before it is answered: refunded (the error stands),
 * or committed (the operation's stored answer is returned instead).
 */
export async function runOperation<T>(
  app: FastifyInstance,
  request: FastifyRequest,
  charges: Charge[],
  call: (operation: Operation, options: { deadline?: number }) => Promise<T>,
): Promise<T> {
  for (const charge of charges) requireFeature(request.planId, charge.feature)
  const userId = request.user.sub
  const lines = charges.map((c) => ({ ...c, limit: featureLimit(request.planId, c.feature) }))
  const operation = (): Operation => ({ id: request.operationId, charges: lines })
  try {
    return await call(operation(), {})
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'CHARGE_REFUNDED' && request.idempotency?.resumed) {
      // The key's earlier attempt was refunded: the retry the client asked for runs as a new operation.
      request.operationId = ulid()
      await app.idempotencyRecords.renewOperation(request.idempotency, request.operationId)
      return call(operation(), {})
    }
    if (callOutcome(err) !== 'unknown') throw err
    let settled: 'refunded' | 'committed'
    try {
      await app.usageCharges.refund({
        userId,
        chargeId: request.operationId,
        requestId: request.id,
        reason: 'caller_lost_track',
        timeoutMs: SETTLE_BUDGET_MS,
      })
      settled = 'refunded'
    } catch (refundErr) {
      if ((refundErr as { code?: string }).code !== 'CHARGE_COMMITTED') {
        // Nobody knows yet: keep the key taken until its lease ends; usage-service's sweeper refunds a charge nobody commits.
        if (request.idempotency) request.idempotency.keep = true
        request.log.error({ err: refundErr, operation_id: request.operationId }, 'could not settle an operation')
        throw new OutcomeUnknownError({ cause: err })
      }
      settled = 'committed'
    }
    // Refunded (or never charged): nothing was stored, and the original error is the answer.
    if (settled === 'refunded') throw timedOut(err) ? new DeadlineExceededError({ cause: err }) : err
    try {
      // Committed: the work is done and stored; running the operation again answers it without charging.
      return await call(operation(), { deadline: Date.now() + SETTLE_BUDGET_MS })
    } catch (replayErr) {
      if (request.idempotency) request.idempotency.keep = true
      throw withExtras(new OutcomeUnknownError({ cause: replayErr }), { details: { operation_id: request.operationId } })
    }
  }
}
