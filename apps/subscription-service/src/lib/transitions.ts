// Which domain events a subscription change means, from the row before and after a Stripe event.
import type { EventName } from '@f1/contracts/events'
import type { SubscriptionRow } from '../repositories/subscriptions.ts'
import { effectivePlan } from './current.ts'

export interface PendingEvent {
  name: Extract<EventName, 'SubscriptionActivated' | 'SubscriptionChanged' | 'SubscriptionCanceled' | 'SubscriptionPaymentFailed'>
  fields: Record<string, unknown>
}

export function subscriptionEvents(
  before: SubscriptionRow | undefined,
  after: SubscriptionRow,
  stripeEventType: string,
  now: Date,
): PendingEvent[] {
  const fields = {
    subscription_id: after.subscription_id,
    plan_id: after.plan_id,
    status: after.status,
    current_period_end: after.current_period_end ?? null,
  }
  if (stripeEventType === 'invoice.payment_failed')
    return [{ name: 'SubscriptionPaymentFailed', fields: { subscription_id: after.subscription_id } }]
  if (after.status === 'canceled' && before?.status !== 'canceled')
    return [{ name: 'SubscriptionCanceled', fields: { ...fields, at_period_end: false } }]
  if (after.cancel_at_period_end && !before?.cancel_at_period_end && after.status !== 'canceled') {
    return [{ name: 'SubscriptionCanceled', fields: { ...fields, at_period_end: true } }]
  }
  const wasEntitled = before !== undefined && effectivePlan(before, now) !== 'free'
  const isEntitled = effectivePlan(after, now) !== 'free'
  if (!wasEntitled && isEntitled) return [{ name: 'SubscriptionActivated', fields }]
  if (before && (before.plan_id !== after.plan_id || before.status !== after.status)) {
    return [{ name: 'SubscriptionChanged', fields: { ...fields, previous_plan_id: before.plan_id } }]
  }
  return []
}
