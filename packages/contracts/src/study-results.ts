// The parts of simulation results that studies beyond one race add: the strategy engineer's
// settings, a paired comparison, sensitivity sweeps, and the optimizer's candidates re-evaluated.
// Shares are 0..1, times seconds rounded to the millisecond.
import Type, { type Static } from 'typebox'
import { StrategySchema } from './strategy.ts'

const closed = { additionalProperties: false } as const
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description: `${description} (0..1)` })
const Delta = (description: string) => Type.Number({ description })
const NullableSeconds = (description: string) => Type.Union([Type.Number(), Type.Null()], { description: `${description}, s` })

/** The virtual strategy engineer a result ran with; null when every driver kept to his plan. */
export const StrategyEngineerSettingsSchema = Type.Union(
  [
    Type.Object(
      {
        drivers: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'The drivers it looked after; null: every driver' }),
        yellow_window_laps: Type.Integer(),
        cover_gap_s: Type.Number(),
        cover_window_laps: Type.Integer(),
      },
      closed,
    ),
    Type.Null(),
  ],
  { description: 'The virtual strategy engineer it ran with (null: off, every driver kept to his plan)' },
)

/** Why a stop was made when it was. */
export const StopReasonSchema = Type.Enum(['planned', 'yellow', 'cover'] as const, {
  description: 'planned: as the strategy said; yellow: brought forward to pit under an SC or VSC; cover: brought forward to answer the undercut of the car behind',
})

export const ReactiveStopsSchema = Type.Object(
  {
    yellow: Type.Number({ minimum: 0, description: 'Stops per run brought forward under a yellow' }),
    cover: Type.Number({ minimum: 0, description: 'Stops per run brought forward to cover an undercut' }),
  },
  { ...closed, description: 'Stops the strategy engineer brought forward, per run on average' },
)

/** One driver's Monte Carlo outcome over a study's runs. */
export const DriverOutcomeSchema = Type.Object(
  {
    win: Share('Share of runs won'),
    podium: Share('Share of runs in the first three'),
    points: Type.Number({ minimum: 0, description: 'Mean 2019 points per run (25-18-15-12-10-8-6-4-2-1, one more for the fastest lap in the ten)' }),
    dnf: Share('Share of runs retired'),
    mean_position: Type.Number({ minimum: 1, description: 'Mean finishing position (retirements classified at the back)' }),
    race_time_p50: NullableSeconds('Median race time over the runs finished (null if never)'),
  },
  closed,
)
export type DriverOutcome = Static<typeof DriverOutcomeSchema>

export const OutcomeDeltaSchema = Type.Object(
  {
    win: Delta('Change of the win share'),
    podium: Delta('Change of the podium share'),
    points: Delta('Change of the mean points'),
    mean_position: Delta('Change of the mean position (negative: ahead)'),
  },
  closed,
)

/** Strategy B against strategy A for one driver on common random numbers. */
export const PairedComparisonSchema = Type.Object(
  {
    driver: Type.String(),
    strategy_b: StrategySchema,
    a: DriverOutcomeSchema,
    b: DriverOutcomeSchema,
    delta: OutcomeDeltaSchema,
    race_time_delta: Type.Union(
      [
        Type.Object(
          {
            runs: Type.Integer({ minimum: 1, description: 'Runs both strategies finished' }),
            mean: Type.Number({ description: "B's race time less A's, mean over those runs, s (negative: B faster)" }),
            ci95: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: "The mean's 95 % confidence interval, s" }),
            p10: Type.Number(),
            p50: Type.Number(),
            p90: Type.Number(),
            b_faster: Share('Share of those runs B was faster'),
          },
          closed,
        ),
        Type.Null(),
      ],
      { description: 'Null when no run had both finish' },
    ),
    position_gain: Type.Array(
      Type.Object({ gain: Type.Integer({ description: "A's position less B's (positive: B ahead)" }), share: Share('Share of runs') }, closed),
      { description: 'Ascending by gain' },
    ),
  },
  { ...closed, description: 'Monte Carlo with compare_strategy: B (compare_strategy) against A (strategy), run by run on the same random races' },
)

const RaceSweepPointSchema = Type.Object(
  {
    pct: Type.Number({ description: 'The change, %' }),
    position: Type.Integer({ minimum: 1 }),
    race_time: NullableSeconds('Null when he retired'),
    delta_position: Type.Integer({ description: 'Against the race as asked' }),
    delta_time: NullableSeconds('Against the race as asked'),
  },
  closed,
)
const RaceSweep = Type.Optional(Type.Array(RaceSweepPointSchema))

/** Race mode's sweeps for the request's driver. */
export const RaceSensitivitySchema = Type.Object(
  {
    driver: Type.String(),
    base: Type.Object({ position: Type.Integer({ minimum: 1 }), race_time: NullableSeconds('Null when he retired') }, closed),
    pit_loss: RaceSweep,
    tyre_degradation: RaceSweep,
  },
  { ...closed, description: 'With sensitivity: the driver in the race with one figure changed per point' },
)

const StudySweep = Type.Optional(Type.Array(Type.Object({ pct: Type.Number(), outcome: DriverOutcomeSchema, delta: OutcomeDeltaSchema }, closed)))

/** Monte Carlo's sweeps for the request's driver, each on the study's seeds. */
export const StudySensitivitySchema = Type.Object(
  {
    driver: Type.String(),
    base: DriverOutcomeSchema,
    pit_loss: StudySweep,
    tyre_degradation: StudySweep,
    sc_probability: StudySweep,
  },
  { ...closed, description: 'With sensitivity: the driver in the study with one figure changed per point' },
)

const candidateProperties = {
  stops: Type.Integer({ minimum: 1 }),
  strategy: StrategySchema,
  free_track_time: Type.Number({ description: 'Race time alone on a free track (how it was found), s' }),
}

/** The optimizer's candidates in the full race and, when asked, in Monte Carlo. */
export const OptimizerEvaluationSchema = {
  in_race: Type.Array(
    Type.Object(
      {
        ...candidateProperties,
        position: Type.Integer({ minimum: 1 }),
        race_time: NullableSeconds('Null when he retired'),
        gap_to_winner: NullableSeconds('Null when he retired'),
      },
      closed,
    ),
    { description: "Every alternative in the full race with the field on its strategies and the race's yellows (or fcy_phases), best place first" },
  ),
  in_monte_carlo: Type.Optional(
    Type.Object(
      {
        runs: Type.Integer(),
        seed: Type.Integer(),
        candidates: Type.Array(Type.Object({ ...candidateProperties, ...DriverOutcomeSchema.properties }, closed), {
          description: 'Each stop count\'s fastest on the same random races, most points first',
        }),
      },
      { ...closed, description: 'With evaluate_runs: the best strategy per stop count in a Monte Carlo study' },
    ),
  ),
}

const OptimizedStrategySchema = Type.Object({ stops: Type.Integer({ minimum: 1 }), strategy: StrategySchema, race_time: Type.Number() })

/** The optimizer's answer: POST /strategies/optimize's, and a job's results with mode optimize. */
export const OptimizeResultSchema = Type.Object(
  {
    driver: Type.String(),
    strategies: Type.Array(OptimizedStrategySchema, { description: 'Fastest 1-, 2- and 3-stop strategies on a free track' }),
    alternatives: Type.Array(OptimizedStrategySchema, {
      description: 'The `top` fastest per stop count, each the best split of its compounds, by stops then race time',
    }),
    pit_lap_curve: Type.Array(
      Type.Object({ pit_lap: Type.Integer({ minimum: 1 }), race_time: Type.Number(), compounds: Type.Array(Type.String(), { minItems: 2, maxItems: 2 }) }),
      { description: 'One-stop race time on a free track against the in-lap, with the fastest pair of compounds for it' },
    ),
    ...OptimizerEvaluationSchema,
  },
  { ...closed, title: 'OptimizeResult', description: 'mode optimize: the fastest strategies per stop count, re-evaluated in the race and in Monte Carlo' },
)
export type OptimizeResult = Static<typeof OptimizeResultSchema>
