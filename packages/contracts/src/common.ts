// Shared primitives: every package that names a user, a feature, a plan or a day uses these.
import Type, { type Static } from 'typebox'

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

/** An instant, ISO-8601 with milliseconds and `Z`. */
export const IsoTimestampSchema = Type.String({ format: 'date-time' })

export const UserIdParamsSchema = Type.Object({ userId: UserIdSchema }, { additionalProperties: false })
