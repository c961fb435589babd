// Gateway bodies about the signed-in user.
import Type, { type Static } from 'typebox'
import { IsoDateSchema, PlanIdSchema, RoleSchema, UserIdSchema } from './common.ts'
import { SubscriptionSchema } from './subscriptions.ts'
import { UsageCounterSchema } from './usage.ts'

export const UsageSummarySchema = Type.Object({
  plan_id: PlanIdSchema,
  date: IsoDateSchema,
  reset_date: Type.String({ format: 'date-time' }),
  features: Type.Array(UsageCounterSchema, { description: 'Every feature of the plan, used or not, with its limit' }),
})
export type UsageSummary = Static<typeof UsageSummarySchema>

export const ProfileSchema = Type.Object({
  user_id: UserIdSchema,
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  created_at: Type.String(),
})
export type Profile = Static<typeof ProfileSchema>

export const MeResponseSchema = Type.Object({
  profile: ProfileSchema,
  plan_id: PlanIdSchema,
  subscription: SubscriptionSchema,
  usage: UsageSummarySchema,
})
export type MeResponse = Static<typeof MeResponseSchema>
