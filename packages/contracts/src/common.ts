// Shared primitives: every package that names a user, a feature, a plan or a day uses these.
import Type, { type Static } from 'typebox'
import Value from 'typebox/value'

/** The features whose per-day use is counted and limited by plan. */
export const FEATURES = ['simulation_run', 'monte_carlo_run', 'strategy_compare', 'api_request'] as const
export const FeatureNameSchema = Type.Enum(FEATURES)
export type FeatureName = (typeof FEATURES)[number]

export const PLAN_IDS = ['free', 'pro', 'team'] as const
export const PlanIdSchema = Type.Enum(PLAN_IDS)
export type PlanId = (typeof PLAN_IDS)[number]

export const ROLES = ['user', 'admin'] as const
export const RoleSchema = Type.Enum(ROLES)
export type Role = (typeof ROLES)[number]

// Ids end up inside DynamoDB keys (`USER#<id>`, `{feature}_{day}`): no separators, no spaces.
export const UserIdSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })
export type UserId = Static<typeof UserIdSchema>

/** A UTC calendar day, `YYYY-MM-DD`. */
export const IsoDateSchema = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' })
export type IsoDate = Static<typeof IsoDateSchema>

// RFC 3339 as JavaScript's Date reads it. The `date-time` format alone also passes a leap second
// (23:59:60), a lowercase `t`/`z`, a `[zone]` suffix and year 0000; Date throws or shifts on those,
// so the pattern narrows it: seconds 00-59, `Z` or ±hh:mm, at most 9 fraction digits, years 0001-9999.
// The format still checks the calendar (no 30 February).
const INSTANT_PATTERN =
  '^(000[1-9]|00[1-9]\\d|0[1-9]\\d\\d|[1-9]\\d{3})-\\d\\d-\\d\\dT([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$'

/**
 * An instant taken from outside (a request, an event detail): an RFC 3339 date-time that JavaScript's
 * Date reads as it means it (to the millisecond), e.g. `2026-11-26T10:00:00.000Z` or `2026-11-26T11:00:00+01:00`.
 */
export const IsoTimestampSchema = Type.String({ format: 'date-time', pattern: INSTANT_PATTERN, maxLength: 35 })
export type IsoTimestamp = Static<typeof IsoTimestampSchema>

/**
 * The canonical form (`YYYY-MM-DDTHH:mm:ss.sssZ`) of an instant given as an IsoTimestamp or a Date,
 * or undefined for anything else: another string or type, an invalid Date, or a UTC year outside
 * 0000-9999 (whose ISO form would not sort with the others). Never throws.
 */
export function canonicalInstant(value: unknown): string | undefined {
  let ms = Number.NaN
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'string' && Value.Check(IsoTimestampSchema, value)) ms = Date.parse(value)
  if (!Number.isFinite(ms)) return undefined
  const iso = new Date(ms).toISOString()
  return /^\d{4}-/.test(iso) ? iso : undefined
}

export const UserIdParamsSchema = Type.Object({ userId: UserIdSchema }, { additionalProperties: false })
