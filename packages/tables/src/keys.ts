// The key layouts of the tables' items, defined once (in the spirit of ElectroDB's key templates):
// services, the migrator, the legacy transforms, bench and tests build and read keys through these.
// The layouts are stored data: changing one strands every item already written with it.
import { OUTBOX_PREFIX } from './outbox.ts'
import { TABLES, type TableDefinition, type TableId } from './tables.ts'

/** The key /ready probes read: it never holds an item, so the read costs little and finds nothing. */
export function readinessKey(table: TableId): Record<string, string> {
  const { partitionKey, sortKey }: TableDefinition = TABLES[table]
  return sortKey ? { [partitionKey.name]: '#ready', [sortKey.name]: '#ready' } : { [partitionKey.name]: '#ready' }
}

// ---- usage: user_id / feature_date_key -----------------------------------------------------------

/** The UTC calendar day of an instant, `YYYY-MM-DD`: counters are per UTC day. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10)
}

/** A usage counter's sort key: `{feature}_{YYYY-MM-DD}` (the UTC day). */
export function featureDateKey(feature: string, day: string): string {
  return `${feature}_${day}`
}

/** Sort-key prefix of charge records, which sit next to the counters they moved. */
const CHARGE_PREFIX = 'charge#'

export function chargeKey(chargeId: string): string {
  return CHARGE_PREFIX + chargeId
}

export function isChargeKey(featureDateKey: string): boolean {
  return featureDateKey.startsWith(CHARGE_PREFIX)
}

/** The held-charges index partition of shard `n`. */
export function heldShardKey(n: number): string {
  return `held#${n}`
}

// ---- actions: user_id / timestamp --------------------------------------------------------------

/** An action's sort key: `<occurred_at ISO ms>#<action id>`, time-ordered and unique per action. */
export function actionKey(occurredAtIso: string, actionId: string): string {
  return `${occurredAtIso}#${actionId}`
}

/** The instant and action id of an action's sort key (the ISO part holds no `#`). */
export function parseActionKey(key: string): { occurredAt: string; actionId: string } {
  const hash = key.indexOf('#')
  return { occurredAt: key.slice(0, hash), actionId: key.slice(hash + 1) }
}

// ---- subscriptions: user_id / subscription_id ----------------------------------------------------

/** The sort key of the record of a user's Stripe customer. */
export const CUSTOMER_KEY = '#customer'

/** The sort key of the marker of a Stripe event applied to the user's rows (it makes a replay a no-op). */
export function stripeEventMarkerKey(eventId: string): string {
  return `#event#${eventId}`
}

export function isStripeEventMarkerKey(subscriptionId: string): boolean {
  return subscriptionId.startsWith(stripeEventMarkerKey(''))
}

/** False for the markers, the customer record and outbox items that share a user's partition with the rows. */
export function isSubscriptionRowKey(subscriptionId: string): boolean {
  return !subscriptionId.startsWith('#') && !subscriptionId.startsWith(OUTBOX_PREFIX)
}

// ---- gateway: user_id / record_key ---------------------------------------------------------------

/** An Idempotency-Key record's sort key; `scope` is `<method> <route>#<key>`. */
export function idempotencyKey(scope: string): string {
  return `idempotency#${scope}`
}

// ---- legacy: strategy_id -------------------------------------------------------------------------

/** A user's profile in the legacy table. */
export function legacyProfileKey(userId: string): string {
  return `USER#${userId}`
}

/** The gateway's email uniqueness marker: one per email whatever its letter case. */
export function emailLockKey(email: string): string {
  return `EMAIL#${email.toLowerCase()}`
}

// ---- migration: pk / sk --------------------------------------------------------------------------

/** The backfill lock: one per table, so one backfill runs at a time. */
export const BACKFILL_LOCK_KEY = { pk: 'lock', sk: 'backfill' }

/** The partition of the runs' records; run ids sort by start time, so one Query lists the newest first. */
export const RUNS_PARTITION = 'runs'

export function runKey(runId: string): { pk: string; sk: string } {
  return { pk: RUNS_PARTITION, sk: runId }
}

/** The verify lock: one verify at a time, since each reads every item of five tables. */
export const VERIFY_LOCK_KEY = { pk: 'lock', sk: 'verify' }

/** The partition of the verifications' records; their ids sort by start time too. */
export const VERIFICATIONS_PARTITION = 'verifications'

export function verificationKey(verificationId: string): { pk: string; sk: string } {
  return { pk: VERIFICATIONS_PARTITION, sk: verificationId }
}

const runPartition = (runId: string) => `run#${runId}`
const SEGMENT_PREFIX = 'segment#'

/** The partition of a run's segment checkpoints, and the prefix their sort keys share. */
export function checkpointQuery(runId: string): { pk: string; skPrefix: string } {
  return { pk: runPartition(runId), skPrefix: SEGMENT_PREFIX }
}

export function checkpointKey(runId: string, segment: number): { pk: string; sk: string } {
  return { pk: runPartition(runId), sk: SEGMENT_PREFIX + String(segment).padStart(4, '0') }
}

/** A run's profile emails are spread over one partition per first hex digit of the email's hash. */
export const EMAIL_SHARDS = 16
const emailPartition = (runId: string, shard: string) => `${runPartition(runId)}#email#${shard}`

/** A profile's email entry: sorted by the email's hash, so the entries of one email are adjacent. */
export function emailEntryKey(runId: string, hash: string, legacyId: string): { pk: string; sk: string } {
  return { pk: emailPartition(runId, hash.slice(0, 1)), sk: `${hash}#${legacyId}` }
}

export function emailShardPartition(runId: string, shard: number): string {
  return emailPartition(runId, shard.toString(16))
}

/** A user's lazy-migration marker. */
export function userMarkerKey(userId: string): { pk: string; sk: string } {
  return { pk: `user#${userId}`, sk: 'migrated' }
}

export function isUserMarker(item: Record<string, unknown>): boolean {
  return item.sk === 'migrated' && String(item.pk).startsWith('user#')
}

/** The count of user markers, ADDed in each marker's transaction. */
export const USER_MARKER_STATS_KEY = { pk: 'stats', sk: 'user-markers' }
