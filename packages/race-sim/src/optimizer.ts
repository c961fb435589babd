// Strategy optimizer: the fastest 1-, 2- and 3-stop strategies of one driver on a free track, each
// using two different dry compounds at least (the sporting regulations' rule).
//
// On a free track a stint's cost depends only on its compound, start age and length: fuel, start,
// pit and cold-tyre losses are the same for every split of the race. So, per compound choice, a
// dynamic programme over stint lengths finds the optimum exactly; the winner of each stop count is
// then timed by the single-car simulation itself.
import type { DriverParams, RaceParams, Stint } from './catalog/types.ts'
import { getRace } from './catalog/catalog.ts'
import type { OptimizeRequest, OptimizeResult, OptimizedStrategy, PitLapPoint } from './contract.ts'
import { RaceSimError } from './errors.ts'
import { tyreCurve, tyreLoss } from './model/tyres.ts'
import { roundMs } from './round.ts'
import { DEFAULT_MONTE_CARLO_SEED, MAX_EVALUATE_RUNS, MAX_MONTE_CARLO_SEED, OPTIMIZER_STOP_COUNTS } from '@f1/contracts/simulations'
import type { MonteCarloResult } from './contract.ts'
import { runMonteCarlo, type MonteCarloOptions } from './monte-carlo/monte-carlo.ts'
import { candidateStudy, inMonteCarlo, inRace } from './optimizer-evaluation.ts'
import { invalid, onlyKeys, scenarioRace } from './scenario.ts'
import { singleCarLapTimes } from './single-car.ts'
import { findDriver, toStrategyJson } from './strategy.ts'

export interface OptimizeOptions {
  /** Force the start compound; by default every dry compound is tried. */
  startCompound?: string | undefined
  /** Age of the start tyres; by default the parameter file's. */
  startTyreAge?: number | undefined
  /** Stop counts to optimise; by default 1, 2 and 3. */
  stops?: readonly number[] | undefined
  /** Strategies kept per stop count (each the best split of its compounds); by default 3. */
  top?: number | undefined
}

export const DEFAULT_TOP = 3
export const MAX_TOP = 10

/** cost[l] = degradation over the first l laps of a set that starts `age` laps old. */
function stintCosts(driver: DriverParams, compound: string, age: number, laps: number): Float64Array {
  const curve = tyreCurve(driver.tyres.model, driver.tyres.compounds[compound]!)
  const cost = new Float64Array(laps + 1)
  for (let l = 1; l <= laps; l++) cost[l] = cost[l - 1]! + tyreLoss(curve, age + l - 1)
  return cost
}

/** Non-decreasing index tuples of length k over m compounds (multisets: on a free track later stints commute). */
function multisets(m: number, k: number): number[][] {
  if (k === 0) return [[]]
  const out: number[][] = []
  const walk = (from: number, acc: number[]): void => {
    if (acc.length === k) {
      out.push([...acc])
      return
    }
    for (let i = from; i < m; i++) walk(i, [...acc, i])
  }
  walk(0, [])
  return out
}

/** The stint lengths minimising the summed costs, given each stint's cost table; null if laps < stints. */
function bestSplit(costs: readonly Float64Array[], laps: number): number[] | null {
  const k = costs.length
  if (laps < k) return null
  // best[j][l]: least cost of covering l laps with the first j stints; from[j][l]: the j-th stint's length.
  const best = Array.from({ length: k + 1 }, () => new Float64Array(laps + 1).fill(Infinity))
  const from = Array.from({ length: k + 1 }, () => new Int32Array(laps + 1))
  best[0]![0] = 0
  for (let j = 1; j <= k; j++) {
    const cost = costs[j - 1]!
    for (let l = j; l <= laps - (k - j); l++) {
      for (let len = 1; len <= l - (j - 1); len++) {
        const value = best[j - 1]![l - len]! + cost[len]!
        if (value < best[j]![l]!) {
          best[j]![l] = value
          from[j]![l] = len
        }
      }
    }
  }
  const lengths = new Array<number>(k)
  let l = laps
  for (let j = k; j >= 1; j--) {
    lengths[j - 1] = from[j]![l]!
    l -= lengths[j - 1]!
  }
  return lengths
}

/** The fastest free-track strategies per stop count for a driver. Throws RaceSimError on bad input. */
/** The optimizer's free-track answer, before its re-evaluation in the race. */
export type FreeTrackOptimum = Omit<OptimizeResult, 'in_race' | 'in_monte_carlo'>

export function optimizeStrategy(race: RaceParams, driverCode: string, options: OptimizeOptions = {}): FreeTrackOptimum {
  const driver = findDriver(race, driverCode)
  const compounds = race.dryCompounds.filter((c) => driver.tyres.compounds[c] !== undefined)
  if (new Set(compounds).size < 2) {
    throw new RaceSimError('TOO_FEW_DRY_COMPOUNDS', `${race.trackId} ${race.season} has fitted dry compounds ${compounds.join(', ') || 'none'} for ${driver.code}: two are needed`, {
      compounds,
    })
  }
  const startAge = options.startTyreAge ?? driver.strategy[0]?.tyreAge ?? 0
  if (!Number.isInteger(startAge) || startAge < 0) throw new RaceSimError('INVALID_REQUEST', 'start_tire_age must be a whole number of laps >= 0')
  if (options.startCompound !== undefined && !compounds.includes(options.startCompound)) {
    throw new RaceSimError('UNKNOWN_COMPOUND', `start compound ${options.startCompound} is not a fitted dry compound here (${compounds.join(', ')})`, {
      compound: options.startCompound,
    })
  }
  const starts = options.startCompound === undefined ? compounds.map((_, i) => i) : [compounds.indexOf(options.startCompound)]
  const { laps } = race
  const firstCost = compounds.map((c) => stintCosts(driver, c, startAge, laps))
  const freshCost = compounds.map((c) => stintCosts(driver, c, 0, laps))

  const top = options.top ?? DEFAULT_TOP
  const strategies: OptimizedStrategy[] = []
  const alternatives: OptimizedStrategy[] = []
  for (const stops of options.stops ?? OPTIMIZER_STOP_COUNTS) {
    const found: OptimizedStrategy[] = []
    for (const start of starts) {
      for (const rest of multisets(compounds.length, stops)) {
        if (new Set([start, ...rest]).size < 2) continue
        const lengths = bestSplit([firstCost[start]!, ...rest.map((c) => freshCost[c]!)], laps)
        if (lengths === null) continue
        const stints: Stint[] = []
        let lap = 0
        ;[start, ...rest].forEach((c, i) => {
          stints.push({ startLap: lap, compound: compounds[c]!, tyreAge: i === 0 ? startAge : 0, refuelKg: 0 })
          lap += lengths[i]!
        })
        found.push({ stops, strategy: toStrategyJson(stints), race_time: raceTime(race, driver, stints) })
      }
    }
    found.sort((a, b) => a.race_time - b.race_time)
    if (found[0] !== undefined) strategies.push(found[0])
    alternatives.push(...found.slice(0, top))
  }
  return { driver: driver.code, strategies, alternatives, pit_lap_curve: pitLapCurve(race, driver, compounds, starts, startAge) }
}

function raceTime(race: RaceParams, driver: DriverParams, stints: readonly Stint[]): number {
  return roundMs(singleCarLapTimes(race, driver, stints).reduce((a, b) => a + b, 0))
}

/**
 * The one-stop race time against the pit lap: for each in-lap, the fastest pair of different dry
 * compounds (what a strategist reads the stop window from).
 */
function pitLapCurve(race: RaceParams, driver: DriverParams, compounds: readonly string[], starts: readonly number[], startAge: number): PitLapPoint[] {
  const curve: PitLapPoint[] = []
  for (let pitLap = 1; pitLap < race.laps; pitLap++) {
    let best: PitLapPoint | undefined
    for (const start of starts) {
      compounds.forEach((second, c) => {
        if (c === start) return
        const stints: Stint[] = [
          { startLap: 0, compound: compounds[start]!, tyreAge: startAge, refuelKg: 0 },
          { startLap: pitLap, compound: second, tyreAge: 0, refuelKg: 0 },
        ]
        const time = raceTime(race, driver, stints)
        if (best === undefined || time < best.race_time) best = { pit_lap: pitLap, race_time: time, compounds: [compounds[start]!, second] }
      })
    }
    if (best !== undefined) curve.push(best)
  }
  return curve
}

/** An optimize request checked and its free-track search done: what its re-evaluation needs. */
export interface ResolvedOptimization {
  /** The catalog's race (the Monte Carlo re-evaluation draws its own yellows). */
  catalogRace: RaceParams
  /** The race the alternatives are re-evaluated in: the request's yellows in place of the recorded ones. */
  race: RaceParams
  found: FreeTrackOptimum
  /** Runs of the Monte Carlo re-evaluation (0: none). */
  runs: number
  seed: number
}

/**
 * Checks an optimize request (see OptimizeRequest) and runs its free-track search (milliseconds).
 * Throws RaceSimError on bad input, so a caller can refuse it before charging or queueing anything.
 */
export function resolveOptimization(input: unknown): ResolvedOptimization {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('request must be a JSON object')
  onlyKeys(input as Record<string, unknown>, OPTIMIZE_FIELDS, 'request')
  const r = input as Partial<Record<keyof OptimizeRequest, unknown>>
  if (typeof r.track_id !== 'string' || r.track_id === '') throw invalid('track_id must be a track id or name, e.g. "shanghai"')
  if (typeof r.season !== 'number' || !Number.isInteger(r.season)) throw invalid('season must be a year, e.g. 2019')
  if (typeof r.driver !== 'string') throw invalid('driver must be a driver code, e.g. "HAM"')
  if (r.start_compound !== undefined && typeof r.start_compound !== 'string') throw invalid('start_compound must be a compound, e.g. "A4"')
  if (r.start_tire_age !== undefined && typeof r.start_tire_age !== 'number') throw invalid('start_tire_age must be a number of laps')
  if (r.top !== undefined && (typeof r.top !== 'number' || !Number.isInteger(r.top) || r.top < 1 || r.top > MAX_TOP)) {
    throw invalid(`top must be a whole number from 1 to ${MAX_TOP}`)
  }
  const runs = r.evaluate_runs ?? 0
  if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 0 || runs > MAX_EVALUATE_RUNS) {
    throw invalid(`evaluate_runs must be a whole number from 0 to ${MAX_EVALUATE_RUNS}`)
  }
  const seed = r.seed ?? DEFAULT_MONTE_CARLO_SEED
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_MONTE_CARLO_SEED) {
    throw invalid(`seed must be a whole number from 0 to ${MAX_MONTE_CARLO_SEED}`)
  }
  const catalogRace = getRace(r.track_id, r.season)
  // The race re-evaluation runs the request's yellows in place of the recorded ones, as a race request would.
  const race = scenarioRace(catalogRace, 'race', { fcy_phases: r.fcy_phases }, undefined)
  const found = optimizeStrategy(race, r.driver, { startCompound: r.start_compound, startTyreAge: r.start_tire_age, top: r.top })
  return { catalogRace, race, found, runs, seed }
}

/**
 * Runs an optimize request (see OptimizeRequest); re-evaluation in Monte Carlo through `monteCarlo`
 * (whose study may end early: in_monte_carlo.runs says over how many runs). Throws RaceSimError.
 */
export async function runOptimization(
  input: unknown,
  monteCarlo: (race: RaceParams, options: MonteCarloOptions) => MonteCarloResult | Promise<MonteCarloResult> = runMonteCarlo,
): Promise<OptimizeResult> {
  const { catalogRace, race, found, runs, seed } = resolveOptimization(input)
  const result: OptimizeResult = { ...found, in_race: inRace(race, found.driver, found.alternatives) }
  if (runs > 0) {
    const study = await monteCarlo(catalogRace, candidateStudy(catalogRace, found.driver, found.strategies, runs, seed))
    result.in_monte_carlo = inMonteCarlo(study, found.strategies)
  }
  return result
}

const OPTIMIZE_FIELDS: readonly (keyof OptimizeRequest)[] = [
  'track_id', 'season', 'driver', 'start_compound', 'start_tire_age', 'top', 'fcy_phases', 'evaluate_runs', 'seed',
]
