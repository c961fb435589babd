// A request's study options, checked by the engine itself (the CLI calls it without the API's
// schema): the virtual strategy engineer, a paired comparison's strategy B, sensitivity sweeps.
import { MAX_SWEEP_VALUES, STRATEGY_ENGINEER_LIMITS as LIMITS, SWEEP_PCT_RANGE } from '@f1/contracts/simulations'
import type { RaceParams, Stint } from './catalog/types.ts'
import type { SimulationMode } from './contract.ts'
import { DEFAULT_STRATEGY_ENGINEER, type StrategyEngineer } from './race/strategy-engineer.ts'
import { invalid, isObject, onlyKeys } from './scenario.ts'
import { SWEEP_FIELDS, type Sweeps } from './sensitivity.ts'
import { findDriver, parseStrategy, validateStrategy } from './strategy.ts'


/** The engineer a request runs with: on by default in Monte Carlo, off in a race (the recorded race as run). */
export function parseEngineer(race: RaceParams, mode: SimulationMode, input: unknown): StrategyEngineer | null {
  if (input === undefined) return mode === 'monte_carlo' ? DEFAULT_STRATEGY_ENGINEER : null
  const where = 'strategy_engineer'
  if (!isObject(input)) throw invalid(`${where} must be {"enabled", "drivers", "yellow_window_laps", "cover_gap_s", "cover_window_laps"}`)
  onlyKeys(input, ['enabled', 'drivers', 'yellow_window_laps', 'cover_gap_s', 'cover_window_laps'], where)
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') throw invalid(`${where}.enabled must be true or false`)
  if (mode === 'single') throw invalid(`${where} needs race or monte_carlo mode: a single car alone has nobody to react to`)
  if (input.enabled === false) return null
  const d = DEFAULT_STRATEGY_ENGINEER
  let drivers: string[] | null = null
  if (input.drivers !== undefined) {
    if (!Array.isArray(input.drivers) || input.drivers.length === 0) throw invalid(`${where}.drivers must be a non-empty list of driver codes`)
    drivers = [...new Set(input.drivers.map((code: unknown, i) => {
      if (typeof code !== 'string') throw invalid(`${where}.drivers[${i}] must be a driver code, e.g. "HAM"`)
      return findDriver(race, code).code
    }))]
  }
  return {
    drivers,
    yellowWindowLaps: count(input.yellow_window_laps, d.yellowWindowLaps, LIMITS.yellow_window_laps, `${where}.yellow_window_laps`),
    coverGapS: seconds(input.cover_gap_s, d.coverGapS, LIMITS.cover_gap_s, `${where}.cover_gap_s`),
    coverWindowLaps: count(input.cover_window_laps, d.coverWindowLaps, LIMITS.cover_window_laps, `${where}.cover_window_laps`),
  }
}

/** Strategy B of a paired comparison: Monte Carlo only, for the request's driver. */
export function parseCompare(race: RaceParams, mode: SimulationMode, driver: string | undefined, input: unknown): Stint[] | undefined {
  if (input === undefined) return undefined
  if (mode !== 'monte_carlo') throw invalid('compare_strategy needs monte_carlo mode: a paired comparison runs both strategies on the same random races')
  if (driver === undefined) throw invalid('compare_strategy needs the driver who runs it')
  const stints = parseStrategy(input)
  validateStrategy(race, findDriver(race, driver), stints)
  return stints
}

/** Sensitivity sweeps: for the request's driver, in race or Monte Carlo mode (the SC probability in Monte Carlo only). */
export function parseSweeps(mode: SimulationMode, driver: string | undefined, input: unknown): Sweeps | undefined {
  if (input === undefined) return undefined
  const where = 'sensitivity'
  const fields = Object.values(SWEEP_FIELDS)
  if (!isObject(input)) throw invalid(`${where} must be {${fields.map((f) => `"${f}": [-10, 10]`).join(', ')}}`)
  onlyKeys(input, fields, where)
  if (mode === 'single') throw invalid(`${where} needs race or monte_carlo mode`)
  if (driver === undefined) throw invalid(`${where} needs the driver whose outcome it follows`)
  const sweeps: Sweeps = {}
  for (const [kind, field] of Object.entries(SWEEP_FIELDS) as [keyof Sweeps, string][]) {
    const values = input[field]
    if (values === undefined) continue
    const [lo, hi] = SWEEP_PCT_RANGE
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_SWEEP_VALUES) {
      throw invalid(`${where}.${field} must be a list of 1 to ${MAX_SWEEP_VALUES} percentages`)
    }
    values.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) throw invalid(`${where}.${field}[${i}] must be a percentage from ${lo} to ${hi}`)
    })
    if (new Set(values).size !== values.length) throw invalid(`${where}.${field} lists a percentage twice`)
    if (kind === 'sc_probability' && mode !== 'monte_carlo') throw invalid(`${where}.${field} needs monte_carlo mode: a race runs its recorded yellows`)
    sweeps[kind] = values as number[]
  }
  if (Object.keys(sweeps).length === 0) throw invalid(`${where} must sweep at least one of ${fields.join(', ')}`)
  return sweeps
}

function count(value: unknown, fallback: number, [min, max]: readonly [number, number], where: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(`${where} must be a whole number from ${min} to ${max}`)
  return value
}

function seconds(value: unknown, fallback: number, [min, max]: readonly [number, number], where: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw invalid(`${where} must be seconds from ${min} to ${max}`)
  return value
}
