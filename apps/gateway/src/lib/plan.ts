// Which plan a profile's stored subscription grants (first version: the legacy profile alone).
import type { PlanId } from '@f1/contracts/common'
import { parseLegacyPlan } from '@f1/legacy/plans'
import { DEFAULT_PLAN_ID } from '@f1/plans'

const ENDED_STATUSES = new Set(['canceled', 'cancelled', 'unpaid', 'incomplete_expired'])

/** The plan in force for a profile: its plan unless unknown or its subscription ended; else free. */
export function planOfProfile(profile: { plan?: unknown; subscription_status?: unknown }): PlanId {
  const status = typeof profile.subscription_status === 'string' ? profile.subscription_status.trim().toLowerCase() : undefined
  if (status && ENDED_STATUSES.has(status)) return DEFAULT_PLAN_ID
  return parseLegacyPlan(profile.plan) ?? DEFAULT_PLAN_ID
}
