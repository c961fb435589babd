// How often the generator applies each defect of docs/legacy-data.md, and which of them make the
// transforms reject an item (with the reason they give).
import type { RejectionReason } from '../result.ts'

/**
 * Probabilities in [0, 1]. The accepted defects (formats, aliases, JSON forms...) apply to every
 * field they can. The rejecting ones (the last seven) apply per item, at most one per item: those
 * that fit an item's kind are laid end to end on one draw, so keep their sum per kind at or below 1.
 */
export interface LegacyRates {
  /** A timestamp written in one of the other formats (TIMESTAMP_FORMATS, chosen uniformly) instead of ISO ms Z (usage dates: instead of `YYYY-MM-DD`). */
  altTimestampFormat: number
  /** A usage count or a total_time stored as a string. */
  stringNumber: number
  /** A total_time written as a race clock `H:MM:SS.mmm` (drawn before stringNumber). */
  raceClock: number
  /** `premium`, `basic`, `enterprise` instead of pro, free, team. */
  planAlias: number
  /** A plan, status or feature name in upper or title case. */
  nameCase: number
  /** A canceled subscription spelled `cancelled`. */
  cancelledSpelling: number
  /** `simulations` / `sim` for simulation_run, `mc` for monte_carlo_run. */
  featureAlias: number
  /** A usage day (user, feature, day) split over 2 or 3 items spelling the feature differently. */
  duplicateUsage: number
  /** details / strategy / result as a JSON string (else a map). */
  jsonString: number
  /** details / strategy / result as a cut-off JSON string that does not parse. */
  brokenJson: number
  /** A strategy's track is a name no catalog knows (else one of GENERATOR_TRACKS' names). */
  unknownTrack: number
  /** `USER` / `profile`, `action_log`, `simulation` instead of user, action, strategy. */
  typeAlias: number
  /** A user has a second profile (another user_id) with the same email in another letter case. */
  emailConflict: number
  /** A user registered through the new gateway: an `email_lock` item exists. */
  emailLock: number
  /** Rejecting: the item has no user_id. */
  missingUserId: number
  /** Rejecting: a user has one extra item of an unknown (or no) type. */
  unknownType: number
  /** Rejecting: a timestamp of the item is garbage. */
  badTimestamp: number
  /** Rejecting: a profile's plan is no known plan. */
  unknownPlan: number
  /** Rejecting: a paid profile's status is no known status. */
  unknownStatus: number
  /** Rejecting: a usage item's feature is no known feature. */
  unknownFeature: number
  /** Rejecting: a usage item's count is not a non-negative integer. */
  badCount: number
}

export type DefectName = keyof LegacyRates

export const DEFAULT_RATES: Readonly<LegacyRates> = {
  altTimestampFormat: 0.5,
  stringNumber: 0.3,
  raceClock: 0.2,
  planAlias: 0.3,
  nameCase: 0.2,
  cancelledSpelling: 0.5,
  featureAlias: 0.3,
  duplicateUsage: 0.15,
  jsonString: 0.4,
  brokenJson: 0.05,
  unknownTrack: 0.05,
  typeAlias: 0.3,
  emailConflict: 0.03,
  emailLock: 0.1,
  missingUserId: 0.01,
  unknownType: 0.02,
  badTimestamp: 0.01,
  unknownPlan: 0.02,
  unknownStatus: 0.02,
  unknownFeature: 0.01,
  badCount: 0.01,
}

export const DEFECT_NAMES = Object.keys(DEFAULT_RATES) as DefectName[]

/** The reason the transforms reject an item for each rejecting defect. */
export const REJECTING: Readonly<Partial<Record<DefectName, RejectionReason>>> = {
  missingUserId: 'missing_user_id',
  unknownType: 'unknown_type',
  badTimestamp: 'bad_timestamp',
  unknownPlan: 'unknown_plan',
  unknownStatus: 'unknown_status',
  unknownFeature: 'unknown_feature',
  badCount: 'bad_count',
}

// The rejecting defects that fit each item kind; unknownType is an extra item, never a fault of one.
export const PROFILE_DEFECTS = ['missingUserId', 'badTimestamp', 'unknownPlan', 'unknownStatus'] as const
export const USAGE_DEFECTS = ['missingUserId', 'badTimestamp', 'unknownFeature', 'badCount'] as const
export const EVENT_DEFECTS = ['missingUserId', 'badTimestamp'] as const
