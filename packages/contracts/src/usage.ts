// Bodies of the usage service (consume / refund / read of per-day feature usage).
import Type, { type Static } from 'typebox'
import { FeatureNameSchema, IsoDateSchema } from './common.ts'

const Amount = Type.Integer({ minimum: 1, maximum: 100_000 })

export const ConsumeBodySchema = Type.Object(
  {
    feature: FeatureNameSchema,
    amount: Type.Optional(Amount),
    limit: Type.Integer({ minimum: 0, maximum: 10_000_000, description: "The caller plan's per-day limit for this feature" }),
  },
  { additionalProperties: false },
)
export type ConsumeBody = Static<typeof ConsumeBodySchema>

export const RefundBodySchema = Type.Object(
  {
    feature: FeatureNameSchema,
    amount: Amount,
    date: Type.Optional(IsoDateSchema),
  },
  { additionalProperties: false },
)
export type RefundBody = Static<typeof RefundBodySchema>

/** One feature's counter for one UTC day, as consume, refund and reads return it. */
export const UsageCounterSchema = Type.Object({
  feature: FeatureNameSchema,
  date: IsoDateSchema,
  usage_count: Type.Integer({ minimum: 0 }),
  limit_value: Type.Integer({ minimum: 0 }),
  remaining: Type.Integer({ minimum: 0 }),
  reset_date: Type.String({ format: 'date-time', description: 'Next UTC midnight, when the counter starts again' }),
})
export type UsageCounter = Static<typeof UsageCounterSchema>

export const UsageDayQuerySchema = Type.Object({ date: Type.Optional(IsoDateSchema) }, { additionalProperties: false })

export const UsageDaySchema = Type.Object({
  date: IsoDateSchema,
  reset_date: Type.String({ format: 'date-time' }),
  features: Type.Array(UsageCounterSchema),
})
export type UsageDay = Static<typeof UsageDaySchema>

/** The idempotency-key of the refund that compensates a request's consume of a feature. */
export function refundKey(requestId: string, feature: string): string {
  return `refund:${requestId}:${feature}`.slice(0, 128)
}
