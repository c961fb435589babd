// Which of a user's subscriptions is current, and which plan it grants now.
import type { PlanId } from '@f1/contracts/common'
import { ENTITLED_STATUSES } from '@f1/contracts/subscriptions'
import type { SubscriptionRow } from '../repositories/subscriptions.ts'

/** The plan a row grants at `now`: its plan while entitled and inside its period, else free. */
export function effectivePlan(row: SubscriptionRow, now: Date): PlanId {
  if (!ENTITLED_STATUSES.has(row.status)) return 'free'
  if (row.current_period_end && Date.parse(row.current_period_end) <= now.getTime()) return 'free'
  return row.plan_id
}

/** The active subscription (the most recently updated that grants a plan now), else the most recent. */
export function currentSubscription(rows: SubscriptionRow[], now: Date): SubscriptionRow | undefined {
  const newestFirst = [...rows].sort((a, b) => b.updated_from_event_at.localeCompare(a.updated_from_event_at))
  return newestFirst.find((row) => effectivePlan(row, now) !== 'free') ?? newestFirst[0]
}
