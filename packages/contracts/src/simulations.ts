// Simulation service bodies (simulation-service and the gateway). The race engine's request types
// (@f1/race-sim/contract) derive from these; its results are stored as it returns them.
import Type, { type Static } from 'typebox'
import { UserIdSchema } from './common.ts'
import { ChargeLineSchema, UlidSchema } from './usage.ts'

export const SIMULATION_MODES = ['single', 'race', 'monte_carlo'] as const
export const SimulationModeSchema = Type.Enum(SIMULATION_MODES)
export type SimulationMode = (typeof SIMULATION_MODES)[number]

/** Ids are ULIDs for new simulations and UUIDs for ones migrated from legacy: no separators either way. */
export const SimulationIdSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })

const TrackRefSchema = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A track id or any of its names, e.g. "shanghai", "Monza"',
})
const SeasonSchema = Type.Integer({ minimum: 1950, maximum: 2100, description: 'The season (year) of the race, e.g. 2019' })
const DriverCodeSchema = Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9]+$', description: 'Driver code, e.g. HAM' })

export const StintSchema = Type.Object(
  {
    start_lap: Type.Integer({ minimum: 0, description: 'In-lap of the stop that starts this stint; 0 for the start' }),
    compound: Type.String({ minLength: 1, maxLength: 8, description: 'A1 (hardest) to A7 (softest), I or W' }),
    tire_age: Type.Integer({ minimum: 0, maximum: 1000, description: 'Age of the set in laps when the stint starts' }),
    refuel_kg: Type.Optional(Type.Number({ minimum: 0, description: 'Fuel added at the stop (0; refuelling is banned)' })),
  },
  { additionalProperties: false },
)
export type Stint = Static<typeof StintSchema>

export const StrategySchema = Type.Object(
  { stints: Type.Array(StintSchema, { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
)
export type Strategy = Static<typeof StrategySchema>

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
  mode: Type.Optional(SimulationModeSchema),
  driver: Type.Optional(Type.String({ description: 'The driver whose strategy was simulated and whose time is total_time' })),
  strategy_data: Type.Optional(Type.Unknown({ description: 'The request as sent (without operation)' })),
  total_time: Type.Union([Type.Number(), Type.Null()], {
    description: "The driver's race time in seconds (the median in Monte Carlo); null without a driver or when he retired",
  }),
  migrated_from: Type.Optional(Type.String()),
  migrated_at: Type.Optional(Type.String()),
  track_unresolved: Type.Optional(Type.Boolean()),
}

/** A stored simulation with its results (as the engine returned them). */
export const SimulationSchema = Type.Object({
  ...summaryProperties,
  results: Type.Optional(Type.Unknown({ description: "The engine's output for the mode: single-car, race or Monte Carlo result" })),
})
export type Simulation = Static<typeof SimulationSchema>

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

/**
 * What a race's data holds that the reference simulator refuses to run: the engine runs it and
 * says so (see @f1/race-sim's README, "Race data the reference refuses").
 */
export const RACE_WARNING_CODES = ['FUEL_RUNS_OUT', 'RACE_PACE_GAP_OUT_OF_RANGE', 'FCY_PHASES_TOO_CLOSE', 'ONE_DRY_COMPOUND'] as const
export type RaceWarningCode = (typeof RACE_WARNING_CODES)[number]
export const RaceWarningSchema = Type.Object({
  code: Type.Enum(RACE_WARNING_CODES),
  message: Type.String({ description: 'The condition and what the engine does about it, in words' }),
})
export type RaceWarning = Static<typeof RaceWarningSchema>

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

const optimizeProperties = {
  track_id: TrackRefSchema,
  season: SeasonSchema,
  driver: DriverCodeSchema,
  start_compound: Type.Optional(Type.String({ minLength: 1, maxLength: 8, description: 'Force the start compound' })),
  start_tire_age: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: "Age of the start set; default the file's" })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Strategies kept per stop count in alternatives (default 3)' })),
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
const OptimizedStrategySchema = Type.Object({ stops: Type.Integer({ minimum: 1 }), strategy: StrategySchema, race_time: Type.Number() })
export const OptimizeResultSchema = Type.Object({
  driver: Type.String(),
  strategies: Type.Array(OptimizedStrategySchema, { description: 'Fastest 1-, 2- and 3-stop strategies on a free track' }),
  alternatives: Type.Array(OptimizedStrategySchema, {
    description: 'The `top` fastest per stop count, each the best split of its compounds, by stops then race time',
  }),
  pit_lap_curve: Type.Array(
    Type.Object({ pit_lap: Type.Integer({ minimum: 1 }), race_time: Type.Number(), compounds: Type.Array(Type.String(), { minItems: 2, maxItems: 2 }) }),
    { description: 'One-stop race time on a free track against the in-lap, with the fastest pair of compounds for it' },
  ),
})
export type OptimizeResult = Static<typeof OptimizeResultSchema>
