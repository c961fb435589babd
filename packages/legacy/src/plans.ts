// Plan and status names as the old app wrote them (LEGACY.md): aliases, any letter case.
import type { PlanId } from '@f1/contracts/common'

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
  return PLAN_ALIASES[raw.trim().toLowerCase()]
}
