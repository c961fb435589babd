// The current subscription of a user: the subscriptions table first; if the user has no row, the
// legacy profile, migrated into the table on the way (lazy migration); nothing anywhere is free.
import type { FastifyBaseLogger } from 'fastify'
import type { Subscription } from '@f1/contracts/subscriptions'
import { subscriptionFromLegacyProfile } from '@f1/legacy/profiles'
import type { LegacyProfilesRepository } from '../repositories/legacy-profiles.ts'
import type { SubscriptionRow, SubscriptionsRepository } from '../repositories/subscriptions.ts'
import { currentSubscription, effectivePlan } from './current.ts'

interface Deps {
  subscriptions: SubscriptionsRepository
  legacyProfiles: LegacyProfilesRepository
}

const FREE: Subscription = {
  subscription_id: null,
  plan_id: 'free',
  status: 'active',
  current_period_start: null,
  current_period_end: null,
  cancel_at_period_end: false,
  effective_plan_id: 'free',
  source: 'default',
}

function view(row: SubscriptionRow, now: Date, source: Subscription['source']): Subscription {
  return {
    subscription_id: row.subscription_id,
    plan_id: row.plan_id,
    status: row.status,
    current_period_start: row.current_period_start ?? null,
    current_period_end: row.current_period_end ?? null,
    cancel_at_period_end: row.cancel_at_period_end ?? false,
    effective_plan_id: effectivePlan(row, now),
    source,
  }
}

/** The user's current subscription as the API shows it. */
export async function resolveSubscription(deps: Deps, userId: string, now: Date, log: FastifyBaseLogger): Promise<Subscription> {
  const current = currentSubscription(await deps.subscriptions.findSubscriptions(userId), now)
  if (current) return view(current, now, 'subscriptions')
  const profile = await deps.legacyProfiles.findLegacyProfile(userId)
  if (!profile) return FREE
  const result = subscriptionFromLegacyProfile(profile, { now })
  if (result.kind === 'rejected') {
    log.warn({ user_id: userId, reason: result.reason, detail: result.detail }, 'legacy profile cannot be mapped; treating as free')
    return FREE
  }
  if (result.kind === 'skipped') return FREE
  const stored = await deps.subscriptions.putMigratedRow(result.item)
  log.info({ user_id: userId, subscription_id: stored.subscription_id }, 'subscription migrated from the legacy profile')
  return view(stored, now, 'legacy')
}
