// When migrated rows expire (TTL attribute expires_at). The live rules would expire years-old
// legacy history at once, before anyone could verify it: migrated usage and action rows are kept
// at least `migratedDays` after their migration, and never less than the live rule keeps them.

export interface RetentionPolicy {
  /** usage-service's rule: days after the day's reset. */
  usageDays: number
  /** action-log-service's rule: days after the action. */
  actionDays: number
  /** Days after the migration a migrated row is kept at least. */
  migratedDays: number
}

const DAY_S = 86_400
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)

/** expires_at of a migrated usage row: the later of reset + usageDays and migration + migratedDays. */
export function usageExpiry(policy: RetentionPolicy, resetDate: string, migratedAt: string): number {
  return Math.max(seconds(resetDate) + policy.usageDays * DAY_S, seconds(migratedAt) + policy.migratedDays * DAY_S)
}

/** expires_at of a migrated action row: the later of occurrence + actionDays and migration + migratedDays. */
export function actionExpiry(policy: RetentionPolicy, occurredAt: string, migratedAt: string): number {
  return Math.max(seconds(occurredAt) + policy.actionDays * DAY_S, seconds(migratedAt) + policy.migratedDays * DAY_S)
}
