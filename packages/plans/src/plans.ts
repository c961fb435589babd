// The plan catalog: what each plan may do per UTC day. Pure data and lookups, no I/O.
import type { FeatureName, PlanId } from '@f1/contracts/common'

export interface Plan {
  id: PlanId
  name: string
  /** Per-day limits; 0 means the plan does not include the feature. */
  limits: Readonly<Record<FeatureName, number>>
  /** Capabilities that are on or off rather than counted (counted ones are on when their limit is above 0). */
  features: Readonly<{ priority_support: boolean; team_seats: number }>
}

export const PLANS: Readonly<Record<PlanId, Plan>> = {
  free: {
    id: 'free',
    name: 'Free',
    limits: { simulation_run: 5, monte_carlo_run: 0, strategy_compare: 0, api_request: 500 },
    features: { priority_support: false, team_seats: 1 },
  },
  pro: {
    id: 'pro',
    name: 'Pro',
    // monte_carlo_run counts runs, not requests: a 1,000-run study uses 1,000.
    limits: { simulation_run: 100, monte_carlo_run: 10_000, strategy_compare: 50, api_request: 10_000 },
    features: { priority_support: false, team_seats: 1 },
  },
  team: {
    id: 'team',
    name: 'Team',
    limits: { simulation_run: 1_000, monte_carlo_run: 100_000, strategy_compare: 500, api_request: 100_000 },
    features: { priority_support: true, team_seats: 10 },
  },
}

/** The plan with this id. */
export function getPlan(id: PlanId): Plan {
  return PLANS[id]
}

/** The per-day limit of a feature on a plan (0 when the plan lacks it). */
export function featureLimit(planId: PlanId, feature: FeatureName): number {
  return PLANS[planId].limits[feature]
}

/** True when the plan includes a counted feature at all (its daily limit is above zero). */
export function planIncludes(planId: PlanId, feature: FeatureName): boolean {
  return PLANS[planId].limits[feature] > 0
}

/** The cheapest plan whose limit for the feature is above zero, to name in a 403. */
export function cheapestPlanWith(feature: FeatureName): PlanId | undefined {
  return Object.values<Plan>(PLANS).find((p) => p.limits[feature] > 0)?.id
}
