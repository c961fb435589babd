// Plan and status names as the old app wrote them (docs/legacy-data.md, "Plan and status names"):
// aliases, any letter case.
import type { PlanId } from '@f1/contracts/common'
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '@f1/contracts/subscriptions'

const PLAN_ALIASES: Readonly<Record<string, PlanId>> = {
  free: 'free',
  basic: 'free',
  pro: 'pro',
  premium: 'pro',
  team: 'team',
  enterprise: 'team',
}

/** The plan id a legacy `plan` value means, or undefined when it names no known plan. */
export function parseLegacyPlan(raw: unknown): PlanId | undefined {
  if (typeof raw !== 'string') return undefined
  const name = raw.trim().toLowerCase()
  // hasOwn: `constructor` or `toString` must not find Object.prototype's members.
  return Object.hasOwn(PLAN_ALIASES, name) ? PLAN_ALIASES[name] : undefined
}

const STATUS_ALIASES: ReadonlyMap<string, SubscriptionStatus> = new Map<string, SubscriptionStatus>([
  ...SUBSCRIPTION_STATUSES.map((status) => [status, status] as const),
  ['cancelled', 'canceled'],
])

/**
 * The Stripe status a legacy `subscription_status` means: Stripe's names in any letter case, with
 * spaces or dashes for `_` (`Past-Due`), and the British `cancelled`. Undefined for anything else.
 */
export function parseLegacyStatus(raw: unknown): SubscriptionStatus | undefined {
  if (typeof raw !== 'string') return undefined
  return STATUS_ALIASES.get(
    raw
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  )
}
