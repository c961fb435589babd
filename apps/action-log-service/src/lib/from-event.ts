// One action per domain event: its type, its own fields, and the plan when the event names one.
import type { EventEnvelope } from '@f1/contracts/events'
import { PLAN_IDS, type PlanId } from '@f1/contracts/common'
import type { NewAction } from '../repositories/actions.ts'

// Envelope fields every detail repeats; the action keeps only what the event is about.
const COMMON = new Set(['user_id', 'occurred_at', 'correlation_id', 'version'])

export function actionFromEvent(detail: Record<string, unknown>, envelope: EventEnvelope): NewAction {
  const details = Object.fromEntries(Object.entries(detail).filter(([key]) => !COMMON.has(key)))
  const plan = PLAN_IDS.find((p) => p === detail.plan_id)
  return {
    userId: String(detail.user_id),
    actionId: envelope.id,
    occurredAt: new Date(String(detail.occurred_at)),
    actionType: envelope['detail-type'],
    details,
    planId: plan as PlanId | undefined,
    source: envelope.source,
    correlationId: typeof detail.correlation_id === 'string' ? detail.correlation_id : undefined,
  }
}
