// One action per domain event: its type, its own fields, and the plan when the event names one.
import { canonicalInstant } from '@f1/contracts/common'
import type { AnyEventDetail, EventEnvelope } from '@f1/contracts/events'
import { InvalidEventError } from '@f1/events/consumer'
import type { NewAction } from '../repositories/actions.ts'

// Envelope fields every detail repeats (and its trace context); the action keeps only what the event is about.
const COMMON = new Set(['event_id', 'user_id', 'occurred_at', 'correlation_id', 'version', 'traceparent'])

/**
 * The action an event stands for. The consumer has checked the detail against its contract; a time
 * the contract lets through but Date cannot hold is a 400 (dead-lettered once by the bus), never a
 * crash that is retried.
 */
export function actionFromEvent(detail: AnyEventDetail, envelope: EventEnvelope, eventId: string): NewAction {
  const occurredAt = canonicalInstant(detail.occurred_at)
  if (occurredAt === undefined) throw new InvalidEventError('occurred_at is not an instant Date can hold')
  const details = Object.fromEntries(Object.entries(detail).filter(([key]) => !COMMON.has(key)))
  return {
    userId: detail.user_id,
    // The event's own id, not the envelope's: a relay or bus retry sends the same event under a new envelope id.
    actionId: eventId,
    occurredAt: new Date(occurredAt),
    actionType: envelope['detail-type'],
    details,
    planId: 'plan_id' in detail ? detail.plan_id : undefined,
    source: envelope.source,
    correlationId: detail.correlation_id,
  }
}
