// What a stored simulation holds in `results`: the race engine's output for its mode (@f1/race-sim's
// result types are these schemas' static types), or, on a row migrated from the legacy table, the
// old app's free-form `result`. Times are seconds rounded to the millisecond; shares are 0..1;
// per-lap arrays start at lap 1 (index 0).
//
// The engine's objects are closed (additionalProperties: false), so a field the engine writes and
// these schemas lack fails simulation-service's test/results-schema.test.ts, which names it. The
// routes hand results to JSON.stringify (SimulationWireSchema, simulations.ts), so such a field still
// reaches the client. Were a serializer to walk this union instead, it would try the engine's
// branches first, and a result matching none of them exactly would fall to the legacy map branch,
// which writes it whole.
import Type, { type Static } from 'typebox'
import {
  DriverOutcomeSchema,
  OptimizeResultSchema,
  PairedComparisonSchema,
  RaceSensitivitySchema,
  ReactiveStopsSchema,
  StopReasonSchema,
  StrategyEngineerSettingsSchema,
  StudySensitivitySchema,
} from './study-results.ts'

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

const closed = { additionalProperties: false } as const
const DriverCode = Type.String({ description: 'Driver code, e.g. HAM' })
const Compound = Type.String({ description: 'A1 (hardest) to A7 (softest), I (intermediate) or W (wet)' })
const Seconds = (description: string) => Type.Number({ description: `${description}, s` })
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description: `${description} (0..1)` })
const WarningsSchema = (description: string) => Type.Array(RaceWarningSchema, { description })

export const SingleCarResultSchema = Type.Object(
  {
    race_time: Seconds("The driver's time over the race distance, alone on a free track"),
    lap_times: Type.Array(Type.Number(), { description: 'Lap times in seconds; index 0 = lap 1' }),
  },
  { ...closed, title: 'SingleCarResult', description: 'mode single: one car alone on the track' },
)
export type SingleCarResult = Static<typeof SingleCarResultSchema>

export const ClassificationEntrySchema = Type.Object(
  {
    position: Type.Integer({ minimum: 1, description: 'Final position (1 = winner)' }),
    driver: DriverCode,
    laps: Type.Integer({ minimum: 0, description: 'Laps completed: fewer than the race distance for lapped and retired cars' }),
    race_time: Seconds('Time over the laps completed'),
    gap: Type.Union([Type.Number(), Type.Null()], {
      description: 'Seconds behind the winner when crossing the line for the last time; null for a retired car',
    }),
    status: Type.Enum(['finished', 'retired'] as const),
  },
  closed,
)
export type ClassificationEntry = Static<typeof ClassificationEntrySchema>

export const PitStopEntrySchema = Type.Object(
  {
    driver: DriverCode,
    lap: Type.Integer({ minimum: 1, description: 'The in-lap' }),
    compound: Type.String({ description: 'The compound fitted: A1 (hardest) to A7 (softest), I or W' }),
    tire_age: Type.Integer({ minimum: 0, description: 'Age of the set fitted, laps' }),
    refuel_kg: Type.Number({ minimum: 0, description: 'Fuel added, kg (0: refuelling is banned)' }),
    standstill: Seconds('Standing time in the box'),
    reason: Type.Optional(StopReasonSchema),
  },
  closed,
)
export type PitStopEntry = Static<typeof PitStopEntrySchema>

export const FcyPhaseEntrySchema = Type.Object(
  {
    type: Type.Enum(['SC', 'VSC'] as const, { description: 'SC: safety car; VSC: virtual safety car' }),
    start: Seconds("Race time of the leader's lap at which the phase starts"),
    end: Type.Union([Type.Number(), Type.Null()], {
      description: "Race time of the leader's lap at which the phase ends, s; null: it lasts until the flag",
    }),
  },
  closed,
)
export type FcyPhaseEntry = Static<typeof FcyPhaseEntrySchema>

const perLap = (description: string) => Type.Array(Type.Number(), { description })

/**
 * Per driver, one entry per lap completed (index 0 = lap 1): the chart data of a race. The lap time
 * is base + tyres + fuel + drs + pit + traffic_yellow, to the millisecond's rounding.
 */
export const LapDetailSchema = Type.Object(
  {
    flag: Type.Array(Type.Enum(['green', 'VSC', 'SC'] as const), {
      description: "The car's own flag in that lap: a yellow meets a lapped car in another lap than the leader",
    }),
    compound: Type.Array(Compound, { description: 'The compound the lap is driven on' }),
    tyre_age: perLap('Age of the set at the start of the lap, laps (yellow laps count less)'),
    fuel_kg: perLap('On board at the start of the lap, kg'),
    gap_to_leader: perLap('Seconds behind the leader when crossing the line at the end of the lap (0 for the leader)'),
    base: perLap('Qualifying time + race-pace gap + car + driver, and in lap 1 the start losses, s'),
    tyres: perLap("Degradation by tyre age, cold tyres in a stint's first lap, s"),
    fuel: perLap('Fuel mass x its lap-time sensitivity, s'),
    drs: perLap('DRS gains (negative), s'),
    pit: perLap('In- and out-lap pit-lane and standing time, s'),
    traffic_yellow: perLap('The rest: yellows, duels, being held behind a car, overtaking losses, s'),
  },
  {
    ...closed,
    description: 'One entry per lap completed (index 0 = lap 1); the lap time is base + tyres + fuel + drs + pit + traffic_yellow',
  },
)
export type LapDetail = Static<typeof LapDetailSchema>

export const RaceResultSchema = Type.Object(
  {
    classification: Type.Array(ClassificationEntrySchema, { description: 'Every car, by final position' }),
    lap_times: Type.Record(Type.String(), Type.Array(Type.Number()), {
      description: 'Per driver code: lap times in seconds for the laps completed; index 0 = lap 1',
    }),
    positions: Type.Record(Type.String(), Type.Array(Type.Integer({ minimum: 1 })), {
      description: 'Per driver code: position at the end of every lap (kept after a retirement); index 0 = lap 1',
    }),
    pit_stops: Type.Array(PitStopEntrySchema, { description: 'Every stop, by lap then driver' }),
    fcy_phases: Type.Array(FcyPhaseEntrySchema, { description: 'The safety car and VSC phases of the race, in order' }),
    lap_detail: Type.Record(Type.String(), LapDetailSchema, { description: 'Per driver code: every lap completed broken down' }),
    strategy_engineer: Type.Optional(StrategyEngineerSettingsSchema),
    sensitivity: Type.Optional(RaceSensitivitySchema),
    warnings: WarningsSchema("What the race's data (or the request's strategy) holds that the reference refuses to run"),
  },
  { ...closed, title: 'RaceResult', description: 'mode race: the whole field' },
)
export type RaceResult = Static<typeof RaceResultSchema>

const PositionOrNull = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])

export const MonteCarloDriverResultSchema = Type.Object(
  {
    driver: DriverCode,
    win: Share('Share of runs won'),
    podium: Share('Share of runs finished in the top three'),
    positions: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }), {
      description:
        'Share of runs finishing in each position, keyed "1".."20" (positions never reached left out); retirements are classified at the back',
    }),
    dnf: Share('Share of runs the driver retired in'),
    race_time: Type.Union(
      [Type.Object({ p10: Seconds('10 % quantile'), p50: Seconds('Median'), p90: Seconds('90 % quantile') }, closed), Type.Null()],
      { description: 'Race time quantiles over the runs the driver finished in; null if he never did' },
    ),
    position_by_lap: Type.Object(
      {
        running: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), {
          description: 'Share of runs the driver was still running at the end of the lap',
        }),
        mean: Type.Array(Type.Union([Type.Number(), Type.Null()]), {
          description: 'Mean position over those runs; null once no run has him running',
        }),
        p10: Type.Array(PositionOrNull, { description: '10 % quantile of the position; null once no run has him running' }),
        p50: Type.Array(PositionOrNull, { description: 'Median position; null once no run has him running' }),
        p90: Type.Array(PositionOrNull, { description: '90 % quantile of the position; null once no run has him running' }),
      },
      { ...closed, description: 'A fan chart: per lap, index 0 = lap 1' },
    ),
    reactive_stops: Type.Optional(ReactiveStopsSchema),
  },
  closed,
)
export type MonteCarloDriverResult = Static<typeof MonteCarloDriverResultSchema>

export const MonteCarloResultSchema = Type.Object(
  {
    runs: Type.Integer({ minimum: 1, description: 'Races run' }),
    seed: Type.Integer({ minimum: 0, description: 'The PRNG seed: the same request and seed give the same result' }),
    drivers: Type.Array(MonteCarloDriverResultSchema, { description: 'Every driver, by win share, then podium share, then code' }),
    strategy_engineer: Type.Optional(StrategyEngineerSettingsSchema),
    comparison: Type.Optional(PairedComparisonSchema),
    sensitivity: Type.Optional(StudySensitivitySchema),
    candidates: Type.Optional(
      Type.Array(DriverOutcomeSchema, { description: "The optimizer's re-evaluation: each candidate's outcome, in the order asked" }),
    ),
    warnings: WarningsSchema('Those of the race run without yellows or retirements (the study draws its own), and of its variants'),
  },
  { ...closed, title: 'MonteCarloResult', description: 'mode monte_carlo: shares and quantiles over many races with random events' },
)
export type MonteCarloResult = Static<typeof MonteCarloResultSchema>

/**
 * A row migrated from the legacy table holds the old app's `result` as the migrator read it
 * (packages/legacy, "Free-form fields"): a map or a list (as stored, or parsed from a JSON string),
 * or a string that is not JSON. Nothing is known of its content; such a row has no `mode`.
 */
export const LegacyResultsSchema = Type.Union(
  [
    Type.Record(Type.String(), Type.Unknown(), { description: 'A map, e.g. {"position": 3, "total_time": 5523.4, "laps": 56}' }),
    Type.Array(Type.Unknown(), { description: 'A list' }),
    Type.String({ description: 'Text kept as written: not the JSON of a map or a list (it may be broken JSON)' }),
  ],
  { title: 'LegacyResults', description: "A row migrated from the legacy table (no mode): the old app's free-form result" },
)
export type LegacyResults = Static<typeof LegacyResultsSchema>

/** Which branch holds is told by the simulation's `mode`; a row without one is a legacy row. */
export const SimulationResultsSchema = Type.Union(
  [RaceResultSchema, MonteCarloResultSchema, SingleCarResultSchema, OptimizeResultSchema, LegacyResultsSchema],
  {
    description:
      "The engine's output for the mode (single: SingleCarResult, race: RaceResult, monte_carlo: MonteCarloResult, optimize: OptimizeResult), or, on a row migrated from the legacy table, the old app's free-form result",
  },
)
export type SimulationResults = Static<typeof SimulationResultsSchema>
