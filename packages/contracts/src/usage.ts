// Bodies of the usage service (consume / refund / read of per-day feature usage).
import Type, { type Static } from 'typebox'
import { FeatureNameSchema, IsoDateSchema, UserIdSchema } from './common.ts'

const Amount = Type.Integer({ minimum: 1, maximum: 100_000 })

export const ConsumeBodySchema = Type.Object(
  {
    feature: FeatureNameSchema,
    amount: Type.Optional(Amount),
    limit: Type.Integer({ minimum: 0, maximum: 10_000_000, description: "The caller plan's per-day limit for this feature" }),
    include_day: Type.Optional(
      Type.Boolean({
        description:
          "Also answer with every feature's counter of the day (`day`), read in the same request: a caller that shows usage needs no second call",
      }),
    ),
  },
  { additionalProperties: false },
)
export type ConsumeBody = Static<typeof ConsumeBodySchema>

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

/** What consume answers: the counter it counted on, and the whole day when `include_day` asked for it. */
export const ConsumeResponseSchema = Type.Object({ ...UsageCounterSchema.properties, day: Type.Optional(UsageDaySchema) })
export type ConsumeResponse = Static<typeof ConsumeResponseSchema>

/** A ULID: 26 Crockford base32 characters, its first 10 the creation time in ms (so ids sort by time). */
export const UlidSchema = Type.String({ minLength: 26, maxLength: 26, pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' })

/**
 * A charge's id: one per unit of metered work, chosen by the caller (a ULID), so a retried call
 * names the same charge and can never charge twice.
 */
export const ChargeIdSchema = UlidSchema

/** One feature of a charge as the caller asks for it: the amount and the plan's daily limit. */
export const ChargeLineSchema = Type.Object(
  {
    feature: FeatureNameSchema,
    amount: Amount,
    limit: Type.Integer({ minimum: 0, maximum: 10_000_000, description: "The caller plan's per-day limit for this feature" }),
  },
  { additionalProperties: false },
)
export type ChargeLine = Static<typeof ChargeLineSchema>

/** Longest a charge may stay held before it is refunded as abandoned: a simulation job's longest life (55 min) and its margin. */
export const MAX_HOLD_MS = 60 * 60_000

export const CreateChargeBodySchema = Type.Object(
  {
    charge_id: ChargeIdSchema,
    lines: Type.Array(ChargeLineSchema, { minItems: 1, maxItems: 4, description: 'One line per feature (no feature twice)' }),
    hold_ms: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: MAX_HOLD_MS,
        description:
          'Hold the charge for the work it pays for: it must be committed within this time, or it is refunded. ' +
          'Without it the charge is committed at once.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type CreateChargeBody = Static<typeof CreateChargeBodySchema>

export const CHARGE_STATUSES = ['held', 'committed', 'refunded', 'void'] as const
export type ChargeStatus = (typeof CHARGE_STATUSES)[number]

/** A charge record as usage-service keeps it (see its README: the charge state machine). */
export const ChargeSchema = Type.Object({
  charge_id: Type.String(),
  status: Type.Enum(CHARGE_STATUSES, {
    description:
      'held: counted, its work in progress; committed: counted for good; refunded: given back; ' +
      'void: refunded before it was ever made (a late create with this id is refused)',
  }),
  lines: Type.Array(Type.Object({ feature: FeatureNameSchema, amount: Type.Integer({ minimum: 1 }), date: IsoDateSchema })),
  held_until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'While held: when it is refunded unless committed',
  }),
  created_at: Type.String({ format: 'date-time' }),
  settled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  committed_lines: Type.Optional(
    Type.Array(Type.Object({ feature: FeatureNameSchema, amount: Type.Integer({ minimum: 0 }), date: IsoDateSchema }), {
      description: 'Only after a partial commit: what was committed, per line (the rest is in returned_lines)',
    }),
  ),
  returned_lines: Type.Optional(
    Type.Array(Type.Object({ feature: FeatureNameSchema, amount: Type.Integer({ minimum: 1 }), date: IsoDateSchema }), {
      description: "Only after a partial commit: what was given back to the counters the hold counted, in the commit's transaction",
    }),
  ),
})
export type Charge = Static<typeof ChargeSchema>

/** One line of a partial commit: how much of a held line is kept (at most what it holds). */
export const CommitLineSchema = Type.Object(
  { feature: FeatureNameSchema, amount: Type.Integer({ minimum: 0, maximum: 10_000_000 }) },
  { additionalProperties: false },
)
export type CommitLine = Static<typeof CommitLineSchema>

export const CommitChargeBodySchema = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(CommitLineSchema, {
        minItems: 1,
        maxItems: 4,
        description:
          'A partial commit: every held feature once, each at most its held amount; what is not committed is given back ' +
          'in the same transaction (like a refund of that part). Without: the whole charge is committed.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type CommitChargeBody = Static<typeof CommitChargeBodySchema>

export const ChargeParamsSchema = Type.Object({ userId: UserIdSchema, chargeId: ChargeIdSchema }, { additionalProperties: false })

export const RefundChargeBodySchema = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })) },
  { additionalProperties: false },
)
