// What every legacy transform returns: a new-table row, a skip with a reason, or a typed rejection.
import type { FeatureName, PlanId } from '@f1/contracts/common'
import type { SubscriptionStatus } from '@f1/contracts/subscriptions'
import type { TableId } from '@f1/tables'

/** The new tables legacy items are migrated into (ids of `TABLES` in @f1/tables). */
export type TargetTable = Extract<TableId, 'subscriptions' | 'usage' | 'actions' | 'simulations'>
export const TARGET_TABLES = ['subscriptions', 'usage', 'actions', 'simulations'] as const satisfies readonly TargetTable[]

/** Why an item cannot be mapped; such items are counted in the report and never written. */
export const REJECTION_REASONS = [
  /** Not an object (null, an array, a number...). */
  'not_an_item',
  /** No string `strategy_id`, so nothing to record in `migrated_from`. */
  'missing_legacy_id',
  'missing_user_id',
  /** A user_id that is not a string or cannot sit in a key (`^[A-Za-z0-9_.:-]{1,128}$`). */
  'bad_user_id',
  'unknown_type',
  /** A required timestamp missing or unparseable, or an optional one present but unparseable. */
  'bad_timestamp',
  'unknown_plan',
  'unknown_status',
  'unknown_feature',
  /** A usage count missing, not a number, negative, fractional or above MAX_LEGACY_COUNT. */
  'bad_count',
  /** An action item without an `action` name. */
  'missing_action',
  /** A strategy's `total_time` present but neither seconds nor a race clock. */
  'bad_total_time',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

/** Items that are fine but have nothing to write. */
export const SKIP_REASONS = [
  /** A profile on the free plan (or none) with no Stripe ids: absence of a row already means free. */
  'no_subscription',
  /** The gateway's `EMAIL#<lower email>` uniqueness marker, not legacy data. */
  'email_lock',
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

/** Mapped with a caveat the report should count. */
export const WARNING_CODES = [
  /** resolveTrack did not know the track name; the raw name is kept in track_id. */
  'unknown_track',
  /** A strategy with no track name at all. */
  'missing_track',
  /** A field that looks like JSON (`{...` or `[...`) but does not parse; kept as the string. */
  'broken_json',
] as const
export type WarningCode = (typeof WARNING_CODES)[number]

export interface Warning {
  code: WarningCode
  detail: string
}

/** Every row written from legacy says where it came from and when. */
export interface MigrationStamp {
  /** The legacy strategy_id (for a merged usage row: the smallest of its legacy_ids). */
  migrated_from: string
  /** ISO-8601 with milliseconds and Z. */
  migrated_at: string
}

/** A row of f1-user-subscriptions-dev built from a legacy profile. */
export interface SubscriptionRow extends MigrationStamp {
  user_id: string
  subscription_id: string
  plan_id: PlanId
  status: SubscriptionStatus
  current_period_start?: string
  current_period_end?: string
  cancel_at_period_end: boolean
  stripe_subscription_id?: string
  stripe_customer_id?: string
  updated_from_event_at: string
}

/** A row of f1-user-usage-dev built from one or more legacy usage items. */
export interface UsageRow extends MigrationStamp {
  user_id: string
  /** `{feature}_{YYYY-MM-DD}`, the UTC day. */
  feature_date_key: string
  feature_name: FeatureName
  usage_count: number
  /** The next UTC midnight after the day. */
  reset_date: string
  /** The legacy strategy_ids whose counts usage_count adds up, sorted; each must be added exactly once. */
  legacy_ids: string[]
}

/** A row of f1-user-actions-log-dev built from a legacy action item. */
export interface ActionRow extends MigrationStamp {
  user_id: string
  /** ISO-8601 ms + `#legacy-<16 hex of the legacy id's sha256>`: the same key on every run. */
  timestamp: string
  action_type: string
  action_details?: LegacyFieldValue
  plan_id?: PlanId
}

/** A row of f1-simulation-results built from a legacy strategy or simulation item. */
export interface SimulationRow extends MigrationStamp {
  simulation_id: string
  created_at: string
  user_id: string
  /** The catalog's track id, or the raw legacy name when it is not known (then track_unresolved is true). */
  track_id?: string
  track_unresolved?: true
  strategy_data?: LegacyFieldValue
  results?: LegacyFieldValue
  /** Seconds. */
  total_time?: number
}

/** A free-form legacy field: a map or list (given as such or parsed from JSON), or a string kept as written. */
export type LegacyFieldValue = string | Record<string, unknown> | unknown[]

export interface RowByTable {
  subscriptions: SubscriptionRow
  usage: UsageRow
  actions: ActionRow
  simulations: SimulationRow
}

export interface Mapped<T extends TargetTable> {
  kind: 'mapped'
  table: T
  item: RowByTable[T]
  legacyId: string
  warnings: Warning[]
}

export interface Skipped {
  kind: 'skipped'
  reason: SkipReason
  detail: string
  legacyId: string
}

export interface Rejected {
  kind: 'rejected'
  reason: RejectionReason
  detail: string
  /** The legacy strategy_id when the item has one. */
  legacyId: string | undefined
}

/** The outcome of one transform into table T. */
export type TransformResult<T extends TargetTable> = Mapped<T> | Skipped | Rejected

/** A mapped outcome into any of the target tables, discriminated by `table`. */
export type AnyMapped = { [T in TargetTable]: Mapped<T> }[TargetTable]

export type LegacyResult = AnyMapped | Skipped | Rejected

export function rejected(reason: RejectionReason, detail: string, legacyId: string | undefined): Rejected {
  return { kind: 'rejected', reason, detail, legacyId }
}

export function skipped(reason: SkipReason, detail: string, legacyId: string): Skipped {
  return { kind: 'skipped', reason, detail, legacyId }
}

export function mapped<T extends TargetTable>(table: T, item: RowByTable[T], legacyId: string, warnings: Warning[] = []): Mapped<T> {
  return { kind: 'mapped', table, item, legacyId, warnings }
}
