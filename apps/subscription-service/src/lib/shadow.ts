// A shadow read of a subscription (the `shadow` stage): legacy is read too, mapped with the
// migration's own transform and compared with the migration's own comparison; the outcome is
// recorded and the answer is never changed. It is bounded by its own deadline and never fails the
// request it rides on.
import type { FastifyBaseLogger } from 'fastify'
import { migratedUnchanged, rowDifferences } from '@f1/legacy/compare'
import { subscriptionFromLegacyProfile } from '@f1/legacy/profiles'
import { legacyProfileKey } from '@f1/tables/keys'
import { withDeadline } from '@f1/service-kit/deadline'
import type { ShadowRecorder } from '@f1/tables/migration-stages'
import type { LegacyProfilesRepository } from '../repositories/legacy-profiles.ts'
import type { SubscriptionRow } from '../repositories/subscriptions.ts'

/** Longest a shadow read may add to a request: a slow legacy table costs a comparison, never the answer. */
export const SHADOW_READ_MS = 250

export interface ShadowDeps {
  legacyProfiles: LegacyProfilesRepository
  shadow: ShadowRecorder
}

/**
 * Compares the user's rows with what their legacy profile maps to:
 * - `match`: the row migrated from the profile holds what it maps to (or neither has a subscription);
 * - `mismatch`: it holds something else (the sample names each field);
 * - `legacy_only`: the profile maps to a subscription no row holds;
 * - `new_only`: a row migrated from the profile is there, but the profile maps to none now.
 * A row written or changed by live traffic (Stripe) since is not compared: legacy never sees those changes.
 */
export async function compareWithLegacy(deps: ShadowDeps, userId: string, rows: SubscriptionRow[], now: Date, log: FastifyBaseLogger) {
  try {
    await withDeadline(SHADOW_READ_MS, async () => {
      const profile = await deps.legacyProfiles.findLegacyProfile(userId)
      deps.shadow.legacyRead('subscriptions')
      const legacyId = legacyProfileKey(userId)
      const mapped = profile ? subscriptionFromLegacyProfile(profile, { now }) : undefined
      if (mapped?.kind !== 'mapped') {
        const migrated = rows.some((row) => migratedUnchanged(row, legacyId))
        deps.shadow.compared('subscriptions', migrated ? 'new_only' : 'match')
        return
      }
      const row = rows.find((candidate) => candidate.subscription_id === mapped.item.subscription_id)
      if (!row) return deps.shadow.compared('subscriptions', 'legacy_only')
      const stored = row as unknown as Record<string, unknown>
      if (!migratedUnchanged(stored, legacyId)) return
      const diff = rowDifferences(mapped.item as unknown as Record<string, unknown>, stored)
      if (Object.keys(diff).length === 0) deps.shadow.compared('subscriptions', 'match')
      else deps.shadow.compared('subscriptions', 'mismatch', { userId, diff })
    })
  } catch (err) {
    log.warn({ err, user_id: userId }, 'shadow read of the legacy profile failed; the answer stands')
  }
}
