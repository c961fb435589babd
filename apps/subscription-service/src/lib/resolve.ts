// The current subscription of a user, as the migration's stage for subscriptions says: the
// subscriptions table first; in `fallback` and `shadow`, when the user has no row, the legacy profile,
// migrated into the table on the way (lazy migration); in `shadow` a sampled share of reads is also
// compared with legacy (shadow.ts); in `new-only` and `retired` legacy is not read. Nothing anywhere is free.
import type { FastifyBaseLogger } from 'fastify'
import type { Subscription } from '@f1/contracts/subscriptions'
import { subscriptionFromLegacyProfile } from '@f1/legacy/profiles'
import { readsLegacy } from '@f1/contracts/migration-stages'
import { sampled, type StageReader } from '@f1/tables/migration-stages'
import type { SubscriptionRow, SubscriptionsRepository } from '../repositories/subscriptions.ts'
import { currentSubscription, effectivePlan } from './current.ts'
import { compareWithLegacy, type ShadowDeps } from './shadow.ts'

interface Deps extends ShadowDeps {
  subscriptions: SubscriptionsRepository
  migrationStages: StageReader
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
  const [rows, { stage, shadowSampleRate }] = await Promise.all([
    deps.subscriptions.findSubscriptions(userId),
    deps.migrationStages.get('subscriptions'),
  ])
  const current = currentSubscription(rows, now)
  if (current) {
    if (stage === 'shadow' && sampled(shadowSampleRate)) await compareWithLegacy(deps, userId, rows, now, log)
    return view(current, now, 'subscriptions')
  }
  // No row: new-only and retired mean none (free); fallback and shadow look in legacy.
  if (!readsLegacy(stage)) return FREE
  const profile = await deps.legacyProfiles.findLegacyProfile(userId)
  deps.shadow.legacyRead('subscriptions')
  const result = profile ? subscriptionFromLegacyProfile(profile, { now }) : undefined
  // This read is the comparison: a subscription found here is in legacy only; nothing is nothing on both sides.
  if (stage === 'shadow' && sampled(shadowSampleRate))
    deps.shadow.compared('subscriptions', result?.kind === 'mapped' ? 'legacy_only' : 'match')
  if (!result) return FREE
  if (result.kind === 'rejected') {
    log.warn({ user_id: userId, reason: result.reason, detail: result.detail }, 'legacy profile cannot be mapped; treating as free')
    return FREE
  }
  if (result.kind === 'skipped') return FREE
  const stored = await deps.subscriptions.putMigratedRow(result.item)
  log.info({ user_id: userId, subscription_id: stored.subscription_id }, 'subscription migrated from the legacy profile')
  return view(stored, now, 'legacy')
}
