// Action log bodies (action-log-service and the gateway).
import Type, { type Static } from 'typebox'
import { IsoTimestampSchema, PlanIdSchema } from './common.ts'

export const ActionTypeSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9 _.:-]+$' })

export const LogActionBodySchema = Type.Object(
  {
    action_id: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'Caller-chosen id; a retry with the same id logs once',
    }),
    action_type: ActionTypeSchema,
    occurred_at: Type.With(IsoTimestampSchema, {
      description: 'When it happened; part of the key, so a retry must send the same value',
    }),
    action_details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    plan_id: Type.Optional(PlanIdSchema),
  },
  { additionalProperties: false },
)
export type LogActionBody = Static<typeof LogActionBodySchema>

export const ActionQuerySchema = Type.Object(
  {
    from: Type.Optional(IsoTimestampSchema),
    to: Type.Optional(IsoTimestampSchema),
    type: Type.Optional(ActionTypeSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
)
export type ActionQuery = Static<typeof ActionQuerySchema>

export const ActionSchema = Type.Object({
  action_id: Type.String(),
  occurred_at: Type.String(),
  action_type: Type.String(),
  action_details: Type.Unknown({ description: 'A map; actions migrated from legacy may hold a list or a string' }),
  plan_id: Type.Union([PlanIdSchema, Type.Null()]),
  source: Type.String(),
})
export type Action = Static<typeof ActionSchema>

export const ActionPageSchema = Type.Object({
  actions: Type.Array(ActionSchema, { description: 'Newest first' }),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last' }),
})
export type ActionPage = Static<typeof ActionPageSchema>
