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

// ---- verifications: a verify (legacy compared with the new tables) run in the background -----------

/**
 * `interrupted`: the process running it stopped (closed cleanly, or died: its record's lease ran
 * out without a renewal). A verify is not resumed; start a new one.
 */
export const VERIFICATION_STATUSES = ['running', 'done', 'failed', 'interrupted'] as const
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number]

export const VERIFY_TABLES = ['subscriptions', 'usage', 'actions', 'simulations'] as const
export const DIFFERENCE_TYPES = ['missing', 'different', 'extra'] as const

/** How many differences a verification record keeps (the counts cover them all). */
export const DIFFERENCE_SAMPLE_SIZE = 50

export const VerificationProgressSchema = Type.Object({
  pass: Type.Enum(['legacy', 'migrated', 'done'], {
    description: 'legacy: legacy items checked against the new tables; migrated: rows that came from legacy checked against it',
  }),
  legacy_read: Type.Integer({ minimum: 0, description: 'Legacy items read by the first pass' }),
  migrated_read: Type.Integer({ minimum: 0, description: 'Rows of the new tables read by the second pass' }),
  differences: Type.Integer({ minimum: 0, description: 'Differences found so far' }),
  total_estimate: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: "The legacy table's item count (approximate in AWS)",
  }),
  items_per_s: Type.Optional(Type.Integer({ minimum: 0, description: 'Live speed (both passes), when this instance runs it' })),
  eta_s: Type.Optional(
    Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Seconds until the first pass ends; null in the second' }),
  ),
})
export type VerificationProgress = Static<typeof VerificationProgressSchema>

export const DifferenceSchema = Type.Object({
  type: Type.Enum(DIFFERENCE_TYPES),
  table: Type.Enum(VERIFY_TABLES),
  legacy_id: Type.String({ description: 'The legacy strategy_id concerned (for an extra row: the id the row names)' }),
  row: Type.String({ description: "The new table's row, table:pk/sk" }),
  detail: Type.String({ description: 'What differs (cut to 500 characters)' }),
})

const VerifyTableCountsSchema = Type.Object({
  expected: Type.Integer({ minimum: 0, description: 'Rows the legacy items map to' }),
  matching: Type.Integer({ minimum: 0 }),
  kept_live: Type.Integer({ minimum: 0, description: 'Rows written or changed by live traffic since: rightly kept' }),
  migrated_rows: Type.Integer({ minimum: 0, description: 'Rows scanned that say they came from legacy' }),
})

export const VerificationReportSchema = Type.Object({
  agree: Type.Boolean(),
  legacy: Type.Object({
    read: Type.Integer({ minimum: 0 }),
    mapped: Type.Integer({ minimum: 0 }),
    rejected: Type.Integer({ minimum: 0, description: 'Expected, not differences' }),
    skipped: Type.Integer({ minimum: 0, description: 'Expected, not differences' }),
  }),
  tables: Type.Object({
    subscriptions: VerifyTableCountsSchema,
    usage: VerifyTableCountsSchema,
    actions: VerifyTableCountsSchema,
    simulations: VerifyTableCountsSchema,
  }),
  differences: Type.Object({
    missing: Type.Integer({ minimum: 0, description: 'Items that map with no row (or a usage row that does not count them)' }),
    different: Type.Integer({ minimum: 0, description: 'Rows migrated from an item that hold something else than it maps to' }),
    extra: Type.Integer({ minimum: 0, description: 'Rows naming a legacy item that does not exist or maps elsewhere' }),
  }),
  sample: Type.Array(DifferenceSchema, {
    maxItems: DIFFERENCE_SAMPLE_SIZE,
    description: `The first ${DIFFERENCE_SAMPLE_SIZE} differences found; the CLI's verify lists them all`,
  }),
})

export const VerificationSchema = Type.Object({
  verification_id: Type.String(),
  status: Type.Enum(VERIFICATION_STATUSES),
  segments: Type.Integer({ minimum: 1 }),
  page_size: Type.Integer({ minimum: 1 }),
  started_at: Type.String(),
  updated_at: Type.String(),
  finished_at: Type.Optional(Type.String()),
  progress: VerificationProgressSchema,
  backfill_run_id: Type.Optional(
    Type.String({
      description: 'A backfill that wrote rows while this verify read them: its missing rows may be there now; verify again after it',
    }),
  ),
  error: Type.Optional(Type.String()),
  report: Type.Optional(VerificationReportSchema),
})
export type VerificationView = Static<typeof VerificationSchema>

export const StartVerificationBodySchema = Type.Object(
  { segments: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Parallel Scan segments of each table' })) },
  { additionalProperties: false },
)
export type StartVerificationBody = Static<typeof StartVerificationBodySchema>

export const StartVerificationResponseSchema = Type.Object({ verification_id: Type.String() })
export type StartVerificationResponse = Static<typeof StartVerificationResponseSchema>

export const VerificationIdParamsSchema = Type.Object(
  {
    id: Type.String({
      minLength: 27,
      maxLength: 27,
      pattern: '^ver-\\d{8}T\\d{6}Z-[0-9a-f]{6}$',
      description: 'A verification id, e.g. ver-20260101T120000Z-a1b2c3',
    }),
  },
  { additionalProperties: false },
)

export const StatusSchema = Type.Object({
  current_run: Type.Union([RunSchema, Type.Null()], { description: 'The run holding the lock, if any' }),
  last_run: Type.Union([RunSchema, Type.Null()], { description: 'The newest run that is not the current one' }),
  lock: Type.Object({
    held: Type.Boolean(),
    owner: Type.Optional(Type.String()),
    lease_until: Type.Optional(Type.String()),
  }),
  user_markers: Type.Integer({ minimum: 0, description: 'Users migrated lazily (one marker each)' }),
  last_verification: Type.Optional(
    Type.Union([VerificationSchema, Type.Null()], {
      description: 'The newest verify started over HTTP, without its report (GET its id for that); absent from a migrator without verifies',
    }),
  ),
})
export type Status = Static<typeof StatusSchema>
