// Reads what the table needs out of Stripe objects, across API versions (period fields moved from
// the subscription to its items in 2025; an invoice names its subscription under `parent` since then).
import type { PlanId } from '@f1/contracts/common'
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '@f1/contracts/subscriptions'

/** Subscription fields a Stripe event can set. */
export interface StripeSubscriptionState {
  subscription_id: string
  stripe_subscription_id: string
  stripe_customer_id?: string | undefined
  plan_id?: PlanId | undefined
  status: SubscriptionStatus
  current_period_start?: string | undefined
  current_period_end?: string | undefined
  cancel_at_period_end?: boolean | undefined
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined)
const idOf = (v: unknown): string | undefined => str(v) ?? str(obj(v).id)
const isoFromEpoch = (v: unknown): string | undefined => (typeof v === 'number' ? new Date(v * 1000).toISOString() : undefined)

/** The user a Stripe object was created for (we put user_id in every metadata we create). */
export function userIdOf(object: unknown): string | undefined {
  const o = obj(object)
  return str(obj(o.metadata).user_id) ?? str(o.client_reference_id) ?? str(obj(obj(obj(o.parent).subscription_details).metadata).user_id)
}

export function statusOf(raw: unknown): SubscriptionStatus | undefined {
  return SUBSCRIPTION_STATUSES.find((s) => s === raw)
}

/** The state of a Stripe subscription object; the plan comes from its price (or our metadata). */
export function stateFromSubscription(
  subscription: unknown,
  planOfPrice: (priceId: string) => PlanId | undefined,
): StripeSubscriptionState | undefined {
  const s = obj(subscription)
  const id = str(s.id)
  const status = statusOf(s.status)
  if (!id || !status) return undefined
  const item = obj((obj(s.items).data as unknown[] | undefined)?.[0])
  const priceId = idOf(item.price) ?? idOf(obj(item.plan).id)
  const metadataPlan = str(obj(s.metadata).plan_id)
  return {
    subscription_id: id,
    stripe_subscription_id: id,
    stripe_customer_id: idOf(s.customer),
    plan_id: (priceId ? planOfPrice(priceId) : undefined) ?? (metadataPlan === 'pro' || metadataPlan === 'team' ? metadataPlan : undefined),
    status,
    current_period_start: isoFromEpoch(item.current_period_start ?? s.current_period_start),
    current_period_end: isoFromEpoch(item.current_period_end ?? s.current_period_end),
    cancel_at_period_end: typeof s.cancel_at_period_end === 'boolean' ? s.cancel_at_period_end : undefined,
  }
}

/** The subscription an invoice bills, whatever the API version. */
export function subscriptionIdOfInvoice(invoice: unknown): string | undefined {
  const i = obj(invoice)
  return idOf(obj(obj(i.parent).subscription_details).subscription) ?? idOf(i.subscription)
}

/** A completed checkout session's subscription, customer and the plan we asked for. */
export function checkoutOf(session: unknown): { subscriptionId?: string; customerId?: string; planId?: PlanId } {
  const s = obj(session)
  const plan = str(obj(s.metadata).plan_id)
  return {
    subscriptionId: idOf(s.subscription),
    customerId: idOf(s.customer),
    planId: plan === 'pro' || plan === 'team' ? plan : undefined,
  }
}
