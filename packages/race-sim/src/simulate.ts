// The engine's entry points for one simulation: single car, full race, or a request of any mode.
import { getRace } from './catalog/catalog.ts'
import type { RaceParams, Stint } from './catalog/types.ts'
import {
  DEFAULT_MONTE_CARLO_RUNS,
  DEFAULT_MONTE_CARLO_SEED,
  MAX_MONTE_CARLO_RUNS,
  MAX_MONTE_CARLO_SEED,
  SIMULATION_MODES,
} from '@f1/contracts/simulations'
import type { MonteCarloResult, RaceResult, SimulationMode, SimulationRequest, SingleCarResult } from './contract.ts'
import { RaceSimError } from './errors.ts'
import { runMonteCarlo, type MonteCarloOptions } from './monte-carlo/monte-carlo.ts'
import { runRecordedRace } from './race/prepare.ts'
import { lapDetail, raceResult } from './race/result.ts'
import { raceWarnings } from './race/warnings.ts'
import { roundMs } from './round.ts'
import { engineerJson } from './race/strategy-engineer.ts'
import { invalid, onlyKeys, scenarioRace } from './scenario.ts'
import { raceSweeps, sweepVariants, type Sweeps } from './sensitivity.ts'
import { parseCompare, parseEngineer, parseSweeps } from './study-options.ts'
import type { StrategyEngineer } from './race/strategy-engineer.ts'
import type { StrategyOverride } from './race/prepare.ts'
import { MCS } from './catalog/mcs.ts'
import { singleCarLapTimes } from './single-car.ts'
import { findDriver, parseStrategy, validateStrategy } from './strategy.ts'

/** Single-car mode: the driver alone on a free track, on his file strategy unless one is given. */
export function simulateSingleCar(race: RaceParams, driverCode: string, stints?: readonly Stint[]): SingleCarResult {
  const driver = findDriver(race, driverCode)
  const strategy = stints ?? driver.strategy
  validateStrategy(race, driver, strategy)
  const laps = singleCarLapTimes(race, driver, strategy)
  const lapTimes = new Array<number>(laps.length)
  let raceTime = 0
  for (let i = 0; i < laps.length; i++) {
    raceTime += laps[i]!
    lapTimes[i] = roundMs(laps[i]!)
  }
  return { race_time: roundMs(raceTime), lap_times: lapTimes }
}

/**
 * A full race of every participant with the real race's yellows and retirements (deterministic).
 * With `override`, that driver runs the given strategy instead of his file strategy.
 */
export function simulateRace(
  race: RaceParams,
  override?: { driver: string; stints: readonly Stint[] },
  options: { engineer?: StrategyEngineer | null; sweeps?: { driver: string; sweeps: Sweeps } } = {},
): RaceResult {
  const engineer = options.engineer ?? null
  const { prepared, events, workspace } = runRecordedRace(race, override, { detail: true, engineer })
  const { setup } = prepared
  const result: RaceResult = {
    ...raceResult(setup, workspace, events.phases),
    lap_detail: lapDetail(setup, workspace),
    strategy_engineer: engineerJson(engineer),
    warnings: raceWarnings(prepared, workspace),
  }
  if (options.sweeps !== undefined) result.sensitivity = raceSweeps(race, override, engineer, options.sweeps.driver, options.sweeps.sweeps)
  return result
}

/** Every field a request may have (the API's, less the gateway's operation). */
const REQUEST_FIELDS: readonly (keyof SimulationRequest)[] = [
  'track_id', 'season', 'mode', 'driver', 'strategy', 'runs', 'seed', 'strategies', 'fcy_phases', 'retirements',
  'strategy_engineer', 'compare_strategy', 'sensitivity',
]

/** A request checked and resolved against the catalog. */
export interface ResolvedRequest {
  race: RaceParams
  mode: SimulationMode
  driver: string | undefined
  stints: Stint[] | undefined
  runs: number
  seed: number
  engineer: StrategyEngineer | null
  /** Strategy B of a paired comparison (Monte Carlo). */
  compare: Stint[] | undefined
  sweeps: Sweeps | undefined
}

/** Checks a request's shape and resolves its track, season, driver and strategy. Throws RaceSimError. */
export function resolveRequest(input: unknown): ResolvedRequest {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new RaceSimError('INVALID_REQUEST', 'request must be a JSON object')
  onlyKeys(input as Record<string, unknown>, REQUEST_FIELDS, 'request')
  const r = input as Partial<Record<keyof SimulationRequest, unknown>>
  if (typeof r.track_id !== 'string' || r.track_id === '') throw new RaceSimError('INVALID_REQUEST', 'track_id must be a track id or name, e.g. "shanghai"')
  if (typeof r.season !== 'number' || !Number.isInteger(r.season)) throw new RaceSimError('INVALID_REQUEST', 'season must be a year, e.g. 2019')
  const mode = SIMULATION_MODES.find((m) => m === r.mode)
  if (mode === undefined) throw new RaceSimError('INVALID_REQUEST', `mode must be one of ${SIMULATION_MODES.join(', ')}`)
  if (r.driver !== undefined && typeof r.driver !== 'string') throw new RaceSimError('INVALID_REQUEST', 'driver must be a driver code, e.g. "HAM"')
  if (mode === 'single' && r.driver === undefined) throw new RaceSimError('INVALID_REQUEST', 'single mode needs a driver')
  if (r.strategy !== undefined && r.driver === undefined) throw new RaceSimError('INVALID_REQUEST', 'a strategy needs the driver who runs it')
  const runs = r.runs ?? DEFAULT_MONTE_CARLO_RUNS
  if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 1 || runs > MAX_MONTE_CARLO_RUNS) {
    throw new RaceSimError('INVALID_REQUEST', `runs must be a whole number from 1 to ${MAX_MONTE_CARLO_RUNS}`)
  }
  const seed = r.seed ?? DEFAULT_MONTE_CARLO_SEED
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_MONTE_CARLO_SEED) {
    throw new RaceSimError('INVALID_REQUEST', `seed must be a whole number from 0 to ${MAX_MONTE_CARLO_SEED}`)
  }

  const catalogRace = getRace(r.track_id, r.season)
  const driver = r.driver === undefined ? undefined : findDriver(catalogRace, r.driver).code
  const race = scenarioRace(catalogRace, mode, r, driver)
  const stints = r.strategy === undefined ? undefined : parseStrategy(r.strategy)
  if (driver !== undefined && stints !== undefined) validateStrategy(race, findDriver(race, driver), stints)
  const engineer = parseEngineer(race, mode, r.strategy_engineer)
  const compare = parseCompare(race, mode, driver, r.compare_strategy)
  const sweeps = parseSweeps(mode, driver, r.sensitivity)
  if (compare !== undefined && sweeps !== undefined) throw invalid('compare_strategy and sensitivity are separate studies: send them as two requests')
  return { race, mode, driver, stints, runs, seed, engineer, compare, sweeps }
}

/** Runs a request of any mode; Monte Carlo through `monteCarlo` (this thread, or a worker pool). */
export function dispatchSimulation<M>(
  request: unknown,
  monteCarlo: (race: RaceParams, options: MonteCarloOptions) => M,
): SingleCarResult | RaceResult | M {
  return runResolved(resolveRequest(request), monteCarlo)
}

/** Runs a resolved request of any mode; Monte Carlo through `monteCarlo`. */
export function runResolved<M>(r: ResolvedRequest, monteCarlo: (race: RaceParams, options: MonteCarloOptions) => M): SingleCarResult | RaceResult | M {
  const override = r.driver !== undefined && r.stints !== undefined ? { driver: r.driver, stints: r.stints } : undefined
  switch (r.mode) {
    case 'single':
      return simulateSingleCar(r.race, r.driver!, r.stints)
    case 'race':
      return simulateRace(r.race, override, { engineer: r.engineer, ...(r.sweeps && { sweeps: { driver: r.driver!, sweeps: r.sweeps } }) })
    case 'monte_carlo':
      return monteCarlo(r.race, { override, runs: r.runs, seed: r.seed, engineer: r.engineer, variants: studyVariants(r, override) })
  }
}

/** A Monte Carlo request's races beside its own: strategy B, or one per swept value. */
function studyVariants(r: ResolvedRequest, override: StrategyOverride | undefined): MonteCarloOptions['variants'] {
  if (r.compare !== undefined) {
    return { driver: r.driver!, list: [{ label: { kind: 'strategy' }, race: r.race, override: { driver: r.driver!, stints: r.compare }, fcy: MCS.fcy }] }
  }
  if (r.sweeps !== undefined) return { driver: r.driver!, list: sweepVariants(r.race, MCS.fcy, override, r.sweeps) }
  return undefined
}

/** Runs a request of any mode in this thread (Monte Carlo included: see workers.ts to run it off the main thread). */
export function runSimulation(request: unknown): SingleCarResult | RaceResult | MonteCarloResult {
  return dispatchSimulation(request, runMonteCarlo)
}
