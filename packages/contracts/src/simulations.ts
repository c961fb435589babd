// Simulation service bodies (simulation-service and the gateway). The race engine's request types
// (@f1/race-sim/contract) derive from these; its results are stored as it returns them, and typed
// in simulation-results.ts.
import Type, { type Static } from 'typebox'
import { UserIdSchema } from './common.ts'
import { jobProperties } from './jobs.ts'
import { RaceWarningSchema, SimulationResultsSchema } from './simulation-results.ts'
import { StrategySchema } from './strategy.ts'
import { ChargeLineSchema, UlidSchema } from './usage.ts'

export { RACE_WARNING_CODES, RaceWarningSchema, type RaceWarning, type RaceWarningCode } from './simulation-results.ts'
export { StintSchema, StrategySchema, type Stint, type Strategy } from './strategy.ts'
export { OptimizeResultSchema, type OptimizeResult } from './study-results.ts'

export const SIMULATION_MODES = ['single', 'race', 'monte_carlo'] as const
export const SimulationModeSchema = Type.Enum(SIMULATION_MODES)
export type SimulationMode = (typeof SIMULATION_MODES)[number]
/** A stored simulation's mode: a simulation's, or `optimize` for an optimizer request run as a job (with evaluate_runs). */
export const STORED_MODES = [...SIMULATION_MODES, 'optimize'] as const
export const StoredModeSchema = Type.Enum(STORED_MODES, {
  description: 'single, race, monte_carlo: a simulation (results of that mode); optimize: an optimizer request with evaluate_runs, run as a job',
})
export type StoredMode = (typeof STORED_MODES)[number]

/** Ids are ULIDs for new simulations and UUIDs for ones migrated from legacy: no separators either way. */
export const SimulationIdSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })

const TrackRefSchema = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A track id or any of its names, e.g. "shanghai", "Monza"',
})
const SeasonSchema = Type.Integer({ minimum: 1950, maximum: 2100, description: 'The season (year) of the race, e.g. 2019' })
const DriverCodeSchema = Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9]+$', description: 'Driver code, e.g. HAM' })


/**
 * Set by the gateway: the unit of work's id (a ULID; it becomes the simulation's id and the id of
 * its charge) and what to charge for it. A retry with the same id never runs or charges twice.
 */
export const OperationSchema = Type.Object(
  {
    id: UlidSchema,
    charges: Type.Array(ChargeLineSchema, {
      maxItems: 4,
      description: 'Charged (held) before the work, committed when its result is stored',
    }),
  },
  { additionalProperties: false },
)
export type Operation = Static<typeof OperationSchema>

export const MAX_MONTE_CARLO_RUNS = 100_000
/** The study size of a Monte Carlo request that does not say (the engine's default, and what is charged). */
export const DEFAULT_MONTE_CARLO_RUNS = 1_000
/** The PRNG seed of a Monte Carlo request that does not say: the same request, the same result. */
export const DEFAULT_MONTE_CARLO_SEED = 1
export const MAX_MONTE_CARLO_SEED = 0xffff_ffff

/** A yellow of the request's own, in race progress (laps of the leader: 12.5 is halfway round lap 13). */
export const FcyPhaseInputSchema = Type.Object(
  {
    type: Type.Enum(['SC', 'VSC'] as const, { description: 'SC: safety car; VSC: virtual safety car' }),
    start_lap: Type.Number({ minimum: 0, maximum: 200, description: 'Race progress at which it starts' }),
    end_lap: Type.Number({ minimum: 0, maximum: 200, description: 'Race progress at which it ends (the race distance: until the flag)' }),
  },
  { additionalProperties: false },
)
export type FcyPhaseInput = Static<typeof FcyPhaseInputSchema>

export const RetirementInputSchema = Type.Object(
  {
    driver: DriverCodeSchema,
    lap: Type.Number({ minimum: 0, maximum: 200, description: 'Race progress at which the car stops' }),
  },
  { additionalProperties: false },
)
export type RetirementInput = Static<typeof RetirementInputSchema>

export const DriverStrategySchema = Type.Object({ driver: DriverCodeSchema, strategy: StrategySchema }, { additionalProperties: false })
export type DriverStrategy = Static<typeof DriverStrategySchema>

/** The ranges of the strategy engineer's settings (the engine checks the same). */
export const STRATEGY_ENGINEER_LIMITS = {
  yellow_window_laps: [0, 30],
  cover_gap_s: [0, 10],
  cover_window_laps: [0, 20],
} as const
const [YW, CG, CW] = [STRATEGY_ENGINEER_LIMITS.yellow_window_laps, STRATEGY_ENGINEER_LIMITS.cover_gap_s, STRATEGY_ENGINEER_LIMITS.cover_window_laps]

/** The virtual strategy engineer: brings a driver's planned stops forward under yellows and to cover an undercut. */
export const StrategyEngineerInputSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Default: on in Monte Carlo, off in race mode (the recorded race as run)' })),
    drivers: Type.Optional(Type.Array(DriverCodeSchema, { minItems: 1, maxItems: 30, description: 'The drivers it looks after (default: every driver)' })),
    yellow_window_laps: Type.Optional(Type.Integer({ minimum: YW[0], maximum: YW[1], description: 'A stop is brought forward under an SC or VSC by at most this many laps (default 15)' })),
    cover_gap_s: Type.Optional(Type.Number({ minimum: CG[0], maximum: CG[1], description: 'The car behind is an undercut threat within this many seconds (default 2.5)' })),
    cover_window_laps: Type.Optional(Type.Integer({ minimum: CW[0], maximum: CW[1], description: 'A stop is brought forward to cover by at most this many laps (default 5)' })),
  },
  { additionalProperties: false },
)
export type StrategyEngineerInput = Static<typeof StrategyEngineerInputSchema>

export const MAX_SWEEP_VALUES = 9
/** A swept figure changes by -100 % (none of it) to +200 % (three times it). */
export const SWEEP_PCT_RANGE = [-100, 200] as const
const SweepSchema = (what: string) =>
  Type.Optional(
    Type.Array(Type.Number({ minimum: SWEEP_PCT_RANGE[0], maximum: SWEEP_PCT_RANGE[1] }), {
      minItems: 1,
      maxItems: MAX_SWEEP_VALUES,
      description: `${what}, changed by each percentage in turn (e.g. [-20, -10, 10, 20])`,
    }),
  )

/** Sensitivity sweeps: the driver's outcome with one figure changed by each percentage. */
export const SensitivityInputSchema = Type.Object(
  {
    pit_loss_pct: SweepSchema('The pit-lane loss (the same seconds under yellows; standing times stay)'),
    tyre_degradation_pct: SweepSchema("Every compound's wear"),
    sc_probability_pct: SweepSchema('Monte Carlo only: the chance of at least one safety car'),
  },
  {
    additionalProperties: false,
    description: "Race or Monte Carlo, with `driver`: the results' `sensitivity`. A Monte Carlo study is charged its runs once more per swept value",
  },
)
export type SensitivityInput = Static<typeof SensitivityInputSchema>

/**
 * Races a Monte Carlo request runs per run, and is charged for: its own, strategy B's, one per
 * swept value. One rule for the gateway's charge and the engine's work.
 */
export function racesPerRun(request: { compare_strategy?: unknown; sensitivity?: SensitivityInput }): number {
  let races = request.compare_strategy === undefined ? 1 : 2
  for (const values of Object.values(request.sensitivity ?? {})) races += values?.length ?? 0
  return races
}

export const SimulationRequestSchema = Type.Object(
  {
    track_id: TrackRefSchema,
    season: SeasonSchema,
    driver: Type.Optional(DriverCodeSchema),
    strategy: StrategySchema,
    mode: SimulationModeSchema,
    runs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_MONTE_CARLO_RUNS,
        description: `Monte Carlo only: races to run (default ${DEFAULT_MONTE_CARLO_RUNS})`,
      }),
    ),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_MONTE_CARLO_SEED,
        description: `Monte Carlo only: PRNG seed (default ${DEFAULT_MONTE_CARLO_SEED})`,
      }),
    ),
    strategies: Type.Optional(
      Type.Array(DriverStrategySchema, {
        maxItems: 30,
        description: "Other drivers' strategies in place of their recorded ones (race and Monte Carlo); `driver` and `strategy` set the driver simulated",
      }),
    ),
    fcy_phases: Type.Optional(
      Type.Array(FcyPhaseInputSchema, {
        maxItems: 10,
        description: "Race mode: the race's yellows in place of the recorded ones, in order and not overlapping; [] for none",
      }),
    ),
    retirements: Type.Optional(
      Type.Array(RetirementInputSchema, {
        maxItems: 30,
        description: 'Race mode: the retirements in place of the recorded ones, one per driver; [] for none',
      }),
    ),
    strategy_engineer: Type.Optional(StrategyEngineerInputSchema),
    compare_strategy: Type.Optional(StrategySchema),
    sensitivity: Type.Optional(SensitivityInputSchema),
    operation: Type.Optional(OperationSchema),
  },
  { additionalProperties: false },
)
export type SimulationRequest = Static<typeof SimulationRequestSchema>

// Every attribute of a stored simulation but its results. Rows migrated from legacy may lack
// track_id, season, mode and driver, and hold strategy_data / results as written by the old app.
const summaryProperties = {
  simulation_id: Type.String(),
  created_at: Type.String({ description: 'ISO-8601 with milliseconds' }),
  user_id: UserIdSchema,
  track_id: Type.Optional(Type.String()),
  season: Type.Optional(Type.Integer()),
  mode: Type.Optional(StoredModeSchema),
  driver: Type.Optional(Type.String({ description: 'The driver whose strategy was simulated and whose time is total_time' })),
  strategy_data: Type.Optional(Type.Unknown({ description: 'The request as sent (without operation)' })),
  total_time: Type.Union([Type.Number(), Type.Null()], {
    description:
      "The driver's race time in seconds (the median in Monte Carlo; optimize: the median of the strategy ranked first in Monte Carlo); null without a driver or when he retired",
  }),
  migrated_from: Type.Optional(Type.String()),
  migrated_at: Type.Optional(Type.String()),
  track_unresolved: Type.Optional(Type.Boolean()),
  // A simulation run as a job (202): its status and progress; results once done.
  ...jobProperties,
}

/** A stored simulation with its results (as the engine returned them, or as migrated from legacy). */
export const SimulationSchema = Type.Object({
  ...summaryProperties,
  results: Type.Optional(SimulationResultsSchema),
})
export type Simulation = Static<typeof SimulationSchema>

/**
 * What the routes that answer a Simulation hand the response serializer: its fields, `results` as
 * JSON.stringify writes them. Results are already of their schema's shape (the engine's types are
 * the schemas' static types; legacy results are free-form), so walking them by the schema could
 * only drop fields, and it takes the serializer twice as long as JSON.stringify on a race with
 * lap_detail (apps/simulation-service/bench/serialize-results.ts). SimulationSchema stays the
 * documented response.
 */
export const SimulationWireSchema = Type.Object({
  ...summaryProperties,
  results: Type.Optional(Type.Unknown()),
})

/** A list entry: the simulation without its results (GET /simulations/:id has them). */
export const SimulationSummarySchema = Type.Object(summaryProperties)
export type SimulationSummary = Static<typeof SimulationSummarySchema>

export const SimulationListQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Page size (default 20)' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'next_cursor of the previous page' })),
  },
  { additionalProperties: false },
)
export type SimulationListQuery = Static<typeof SimulationListQuerySchema>

export const SimulationPageSchema = Type.Object({
  simulations: Type.Array(SimulationSummarySchema, { description: 'Newest first' }),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last' }),
})
export type SimulationPage = Static<typeof SimulationPageSchema>

export const SimulationIdParamsSchema = Type.Object({ simulationId: SimulationIdSchema }, { additionalProperties: false })

/** The owner of the simulation asked for: another user's id answers 404, so ids do not leak. */
export const SimulationOwnerQuerySchema = Type.Object({ user_id: UserIdSchema }, { additionalProperties: false })

export const TrackSchema = Type.Object({
  id: Type.String({ description: 'The id simulations take as track_id, e.g. shanghai' }),
  name: Type.String(),
  country: Type.String(),
  city: Type.String(),
  aliases: Type.Array(Type.String(), { description: 'Other names track_id accepts' }),
  seasons: Type.Array(Type.Integer(), { description: 'Seasons that can be simulated, ascending' }),
  laps: Type.Record(Type.String(), Type.Integer(), { description: 'Race distance in laps per season' }),
  warnings: Type.Record(Type.String(), Type.Array(RaceWarningSchema), {
    description: 'Per season whose recorded race has them: what its data holds that the reference simulator refuses (a race simulation returns the same list)',
  }),
})
export type Track = Static<typeof TrackSchema>

export const TrackListSchema = Type.Object({ tracks: Type.Array(TrackSchema) })
export type TrackList = Static<typeof TrackListSchema>

/** The stop counts the optimizer searches. */
export const OPTIMIZER_STOP_COUNTS = [1, 2, 3] as const
export const MAX_EVALUATE_RUNS = 10_000

const optimizeProperties = {
  track_id: TrackRefSchema,
  season: SeasonSchema,
  driver: DriverCodeSchema,
  start_compound: Type.Optional(Type.String({ minLength: 1, maxLength: 8, description: 'Force the start compound' })),
  start_tire_age: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: "Age of the start set; default the file's" })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Strategies kept per stop count in alternatives (default 3)' })),
  fcy_phases: Type.Optional(
    Type.Array(FcyPhaseInputSchema, {
      maxItems: 10,
      description: "The yellows of the race the alternatives are re-evaluated in (in_race), in place of the recorded ones; [] for none",
    }),
  ),
  evaluate_runs: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_EVALUATE_RUNS,
      description:
        `Re-evaluate each stop count's fastest in a Monte Carlo study of this many runs (in_monte_carlo; default 0: none). ` +
        `Charged ${OPTIMIZER_STOP_COUNTS.length} monte_carlo_run per run. Above 0 the request runs as a job (202, mode optimize)`,
    }),
  ),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_MONTE_CARLO_SEED, description: `The re-evaluation's PRNG seed (default ${DEFAULT_MONTE_CARLO_SEED})` })),
}

/** monte_carlo_run an optimize request is charged: its re-evaluation study runs every stop count's fastest. */
export function optimizeStudyRuns(body: { evaluate_runs?: number }): number {
  return (body.evaluate_runs ?? 0) * OPTIMIZER_STOP_COUNTS.length
}

/**
 * monte_carlo_run a job is charged per run of its study: an optimizer's re-evaluation runs every
 * stop count's fastest, a simulation its racesPerRun. A cancel commits runs done x this.
 */
export function jobRacesPerRun(mode: StoredMode, request: Record<string, unknown>): number {
  return mode === 'optimize' ? OPTIMIZER_STOP_COUNTS.length : racesPerRun(request)
}

/** What a client asks the optimizer (the gateway's body). */
export const OptimizeBodySchema = Type.Object(optimizeProperties, { additionalProperties: false })
export type OptimizeBody = Static<typeof OptimizeBodySchema>

/** The optimizer request simulation-service takes: the client's, with the gateway's operation. */
export const OptimizeRequestSchema = Type.Object(
  { ...optimizeProperties, operation: Type.Optional(OperationSchema) },
  { additionalProperties: false },
)
export type OptimizeRequest = Static<typeof OptimizeRequestSchema>

