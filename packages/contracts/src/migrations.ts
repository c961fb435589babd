// The migrator's HTTP bodies: its service routes, and the gateway's admin routes that relay them.
import Type, { type Static } from 'typebox'

export const RUN_STATUSES = ['running', 'completed', 'completed_with_failures', 'interrupted', 'failed', 'abandoned'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export const ProgressSchema = Type.Object({
  read: Type.Integer({ minimum: 0 }),
  written: Type.Integer({ minimum: 0, description: 'Rows written plus usage counts merged into existing rows' }),
  skipped: Type.Integer({ minimum: 0 }),
  rejected: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  total_estimate: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: "The legacy table's item count (approximate in AWS)",
  }),
  items_per_s: Type.Optional(Type.Integer({ minimum: 0, description: 'Live speed, when this instance runs it' })),
  eta_s: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
})

export const RunSchema = Type.Object({
  run_id: Type.String(),
  status: Type.Enum(RUN_STATUSES),
  dry_run: Type.Boolean(),
  source: Type.Enum(['cli', 'service']),
  segments: Type.Integer({ minimum: 1 }),
  rate: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  page_size: Type.Integer({ minimum: 1 }),
  batch_size: Type.Integer({ minimum: 1 }),
  started_at: Type.String(),
  updated_at: Type.String(),
  finished_at: Type.Optional(Type.String()),
  resumed: Type.Integer({ minimum: 0, description: 'How often the run was started again after an interruption' }),
  progress: ProgressSchema,
  error: Type.Optional(Type.String()),
  report: Type.Optional(Type.Unknown({ description: 'The final report (see README: report fields), once the run ended' })),
})
export type RunView = Static<typeof RunSchema>

export const StatusSchema = Type.Object({
  current_run: Type.Union([RunSchema, Type.Null()], { description: 'The run holding the lock, if any' }),
  last_run: Type.Union([RunSchema, Type.Null()], { description: 'The newest run that is not the current one' }),
  lock: Type.Object({
    held: Type.Boolean(),
    owner: Type.Optional(Type.String()),
    lease_until: Type.Optional(Type.String()),
  }),
  user_markers: Type.Integer({ minimum: 0, description: 'Users migrated lazily (one marker each)' }),
})
export type Status = Static<typeof StatusSchema>

export const StartRunBodySchema = Type.Object(
  {
    dry_run: Type.Optional(Type.Boolean({ description: 'Read and transform everything, write no row' })),
    segments: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    rate: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Items written per second at most' })),
    fresh: Type.Optional(Type.Boolean({ description: 'Do not resume the unfinished run; start a new one' })),
  },
  { additionalProperties: false },
)
export type StartRunBody = Static<typeof StartRunBodySchema>

export const StartRunResponseSchema = Type.Object({
  run_id: Type.String(),
  resumed: Type.Boolean(),
})
export type StartRunResponse = Static<typeof StartRunResponseSchema>

export const RunIdParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' }) },
  { additionalProperties: false },
)
