// One action per domain event: its type, its own fields, and the plan when the event names one.
import { canonicalInstant, PLAN_IDS, type PlanId } from '@f1/contracts/common'
import type { EventEnvelope } from '@f1/contracts/events'
import { InvalidEventError } from '@f1/events/consumer'
import type { NewAction } from '../repositories/actions.ts'

// Envelope fields every detail repeats; the action keeps only what the event is about.
const COMMON = new Set(['event_id', 'user_id', 'occurred_at', 'correlation_id', 'version'])

/**
 * The action an event stands for. The consumer has checked the detail against its contract; an event
 * this cannot read anyway is a 400 (dead-lettered once by the bus), never a crash that is retried.
 */
export function actionFromEvent(detail: Record<string, unknown>, envelope: EventEnvelope, eventId: string): NewAction {
  if (typeof detail.user_id !== 'string') throw new InvalidEventError('user_id is not a string')
  const occurredAt = canonicalInstant(detail.occurred_at)
  if (occurredAt === undefined) throw new InvalidEventError('occurred_at is not an instant Date can hold')
  const details = Object.fromEntries(Object.entries(detail).filter(([key]) => !COMMON.has(key)))
  const plan = PLAN_IDS.find((p) => p === detail.plan_id)
  return {
    userId: detail.user_id,
    // The event's own id, not the envelope's: a relay or bus retry sends the same event under a new envelope id.
    actionId: eventId,
    occurredAt: new Date(occurredAt),
    actionType: envelope['detail-type'],
    details,
    planId: plan as PlanId | undefined,
    source: envelope.source,
    correlationId: typeof detail.correlation_id === 'string' ? detail.correlation_id : undefined,
  }
}
