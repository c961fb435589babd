// How far the migration has gone, per kind of data that moves: the stage every service reads (with a
// short cache) and the admin API shows and changes. Profiles stay in the legacy table: no stage.
import Type, { type Static } from 'typebox'

export const MIGRATION_KINDS = ['subscriptions', 'usage', 'actions', 'simulations'] as const
export type MigrationKind = (typeof MIGRATION_KINDS)[number]

/**
 * - `fallback`: the new table first, legacy when it has nothing, copied over on the way (lazy migration);
 * - `shadow`: as fallback, and a sampled share of reads also reads legacy and compares, never changing the answer;
 * - `new-only`: legacy is not read for the kind: nothing in the new table means nothing;
 * - `retired`: as new-only, and the kind's legacy items may be archived (by an explicit command, never by itself).
 */
export const MIGRATION_STAGES = ['fallback', 'shadow', 'new-only', 'retired'] as const
export type MigrationStage = (typeof MIGRATION_STAGES)[number]

/** What one shadow comparison found: the same, different, only legacy has it, only the new table has it. */
export const SHADOW_OUTCOMES = ['match', 'mismatch', 'legacy_only', 'new_only'] as const
export type ShadowOutcome = (typeof SHADOW_OUTCOMES)[number]

/** Whether a stage still reads the legacy table for its kind. */
export const readsLegacy = (stage: MigrationStage): boolean => stage === 'fallback' || stage === 'shadow'

/** A forward move is `to` later than `from` in MIGRATION_STAGES; every other move is a step back (or none). */
export const isForward = (from: MigrationStage, to: MigrationStage): boolean => MIGRATION_STAGES.indexOf(to) > MIGRATION_STAGES.indexOf(from)

/** The share of reads compared while in shadow when none is given. */
export const DEFAULT_SHADOW_SAMPLE_RATE = 0.1

export const MigrationKindParamsSchema = Type.Object({ kind: Type.Enum(MIGRATION_KINDS) }, { additionalProperties: false })

export const PutStageBodySchema = Type.Object(
  {
    stage: Type.Enum(MIGRATION_STAGES),
    sample_rate: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: `Share of reads compared in shadow (default ${DEFAULT_SHADOW_SAMPLE_RATE})` }),
    ),
  },
  { additionalProperties: false },
)
export type PutStageBody = Static<typeof PutStageBodySchema>

const MismatchSampleSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  user_id: Type.String(),
  diff: Type.Record(Type.String(), Type.Object({ legacy: Type.Unknown(), new: Type.Unknown() }), {
    description: 'Each field that differs: what legacy maps to, what the new table holds',
  }),
})

const MoveSchema = Type.Object({
  allowed: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'Why not, when not allowed' })),
})

export const KindStageSchema = Type.Object({
  kind: Type.Enum(MIGRATION_KINDS),
  stage: Type.Enum(MIGRATION_STAGES),
  sample_rate: Type.Number({ description: 'Share of reads compared while in shadow' }),
  changed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null: never changed (fallback)' }),
  changed_by: Type.Union([Type.String(), Type.Null()]),
  seconds_in_stage: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  shadow: Type.Object({
    compared: Type.Integer({ minimum: 0, description: 'Comparisons counted in the window (the newest up to the required number)' }),
    outcomes: Type.Object({
      match: Type.Integer({ minimum: 0 }),
      mismatch: Type.Integer({ minimum: 0 }),
      legacy_only: Type.Integer({ minimum: 0 }),
      new_only: Type.Integer({ minimum: 0 }),
    }),
    consistency: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
      description: 'match / compared over the window; null before any comparison',
    }),
    mismatch_samples: Type.Array(MismatchSampleSchema),
  }),
  legacy_reads_per_minute: Type.Array(
    Type.Object({ minute: Type.String(), reads: Type.Integer({ minimum: 0 }) }),
    { description: 'The last minutes, oldest first: falling to zero is the signal to move to new-only' },
  ),
  verify: Type.Union(
    [
      Type.Object({
        verification_id: Type.String(),
        finished_at: Type.String(),
        missing_or_different: Type.Integer({ minimum: 0, description: "This kind's rows missing or different in that verify" }),
      }),
      Type.Null(),
    ],
    { description: 'The newest finished verify' },
  ),
  next: Type.Object(
    { shadow: MoveSchema, 'new-only': MoveSchema, retired: MoveSchema },
    { description: 'Whether each forward move would be accepted now, and if not why' },
  ),
})
export type KindStageView = Static<typeof KindStageSchema>

export const StagesResponseSchema = Type.Object({ kinds: Type.Array(KindStageSchema) })
export type StagesResponse = Static<typeof StagesResponseSchema>
