// Stripe events as Stripe sends them, signed like Stripe signs them: for tests and the local demo.
import { createHash, randomBytes } from 'node:crypto'
import Stripe from 'stripe'
import type { PlanId } from '@f1/contracts/common'
import type { SubscriptionStatus } from '@f1/contracts/subscriptions'

const DAY_S = 86_400

export interface SubscriptionEventInput {
  type: 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted'
  userId: string
  priceId: string
  planId?: PlanId
  status?: SubscriptionStatus
  /** Event creation time, epoch seconds (default now). */
  created?: number
  periodStart?: number
  periodEnd?: number
  cancelAtPeriodEnd?: boolean
  /** Stripe ids; by default derived from the user id so successive events hit one subscription. */
  subscriptionId?: string
  customerId?: string
  eventId?: string
  /** Leave our metadata out, as for a subscription created outside our checkout. */
  withoutMetadata?: boolean
}

const stableId = (prefix: string, userId: string) => `${prefix}_${createHash('sha256').update(userId).digest('hex').slice(0, 14)}`

/** A customer.subscription.* event with the current API shape (periods on the item). */
export function subscriptionEvent(input: SubscriptionEventInput): Record<string, unknown> {
  const created = input.created ?? Math.floor(Date.now() / 1000)
  const periodStart = input.periodStart ?? created
  const subscriptionId = input.subscriptionId ?? stableId('sub', input.userId)
  return {
    id: input.eventId ?? `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    type: input.type,
    data: {
      object: {
        id: subscriptionId,
        object: 'subscription',
        customer: input.customerId ?? stableId('cus', input.userId),
        status: input.status ?? (input.type === 'customer.subscription.deleted' ? 'canceled' : 'active'),
        cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
        metadata: input.withoutMetadata ? {} : { user_id: input.userId, ...(input.planId ? { plan_id: input.planId } : {}) },
        items: {
          object: 'list',
          data: [
            {
              id: `si_${subscriptionId.slice(4)}`,
              object: 'subscription_item',
              price: { id: input.priceId, object: 'price' },
              current_period_start: periodStart,
              current_period_end: input.periodEnd ?? periodStart + 30 * DAY_S,
            },
          ],
        },
      },
    },
  }
}

/** An invoice.paid / invoice.payment_failed event for a subscription. */
export function invoiceEvent(input: {
  type: 'invoice.paid' | 'invoice.payment_failed'
  userId: string
  subscriptionId?: string
  created?: number
}) {
  const subscriptionId = input.subscriptionId ?? stableId('sub', input.userId)
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: input.created ?? Math.floor(Date.now() / 1000),
    type: input.type,
    data: {
      object: {
        id: `in_${randomBytes(8).toString('hex')}`,
        object: 'invoice',
        parent: {
          type: 'subscription_details',
          subscription_details: { subscription: subscriptionId, metadata: { user_id: input.userId } },
        },
      },
    },
  }
}

/** The raw body and the stripe-signature header Stripe would send for an event. */
export function signWebhook(event: object, secret: string, timestamp?: number): { payload: string; signature: string } {
  const payload = JSON.stringify(event)
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) })
  return { payload, signature }
}
