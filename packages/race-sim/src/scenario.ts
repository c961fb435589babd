// A request's own scenario: other drivers' strategies, and (race mode) its own yellows and
// retirements in place of the recorded ones. The engine checks them itself, since the CLI calls it
// without the API's schema; what it returns is the catalog race as the request wants it run.
import type { FcyPhaseProgress, RaceParams, Stint } from './catalog/types.ts'
import type { SimulationMode } from './contract.ts'
import { RaceSimError } from './errors.ts'
import { findDriver, parseStrategy, validateStrategy } from './strategy.ts'

export interface ScenarioInput {
  strategies?: unknown
  fcy_phases?: unknown
  retirements?: unknown
}

/** The race to run: `race` itself when the request sets nothing of its own. Throws RaceSimError. */
export function scenarioRace(race: RaceParams, mode: SimulationMode, input: ScenarioInput, simulated: string | undefined): RaceParams {
  const { strategies, fcy_phases: phases, retirements } = input
  if (strategies === undefined && phases === undefined && retirements === undefined) return race
  if (mode === 'single') throw invalid('strategies, fcy_phases and retirements need race or monte_carlo mode: a single car runs alone on a free track')
  if (mode === 'monte_carlo' && (phases !== undefined || retirements !== undefined)) {
    throw invalid('fcy_phases and retirements apply to race mode: a Monte Carlo study draws its own yellows and retirements')
  }
  const out: RaceParams = { ...race, drivers: race.drivers.map((d) => ({ ...d })), events: { ...race.events } }
  if (strategies !== undefined) applyStrategies(out, strategies, simulated)
  if (phases !== undefined) out.events.fcyPhases = parsePhases(race, phases)
  if (retirements !== undefined) out.events.retirements = parseRetirements(race, retirements)
  return out
}

function applyStrategies(race: RaceParams, input: unknown, simulated: string | undefined): void {
  if (!Array.isArray(input)) throw invalid('strategies must be a list of {"driver": "VET", "strategy": {"stints": [...]}}')
  const seen = new Set<string>()
  input.forEach((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.driver !== 'string') throw invalid(`strategies[${i}]: driver must be a driver code, e.g. "VET"`)
    onlyKeys(entry, ['driver', 'strategy'], `strategies[${i}]`)
    const driver = findDriver(race, entry.driver)
    if (seen.has(driver.code)) throw invalid(`strategies[${i}]: ${driver.code} is given twice`)
    if (driver.code === simulated) throw invalid(`strategies[${i}]: ${driver.code} is the driver simulated: give his strategy in "strategy"`)
    seen.add(driver.code)
    const stints: Stint[] = parseStrategy(entry.strategy)
    validateStrategy(race, driver, stints)
    driver.strategy = stints
  })
}

function parsePhases(race: RaceParams, input: unknown): FcyPhaseProgress[] {
  if (!Array.isArray(input)) throw invalid('fcy_phases must be a list of {"type": "SC" or "VSC", "start_lap", "end_lap"}')
  const phases = input.map((entry: unknown, i): FcyPhaseProgress => {
    const at = `fcy_phases[${i}]`
    if (!isObject(entry)) throw invalid(`${at} must be {"type", "start_lap", "end_lap"}`)
    onlyKeys(entry, ['type', 'start_lap', 'end_lap'], at)
    const { type, start_lap: start, end_lap: end } = entry
    if (type !== 'SC' && type !== 'VSC') throw invalid(`${at}: type must be "SC" or "VSC"`)
    if (!isProgress(start, race.laps) || !isProgress(end, race.laps) || start >= end) {
      throw invalid(`${at}: start_lap and end_lap must be race progress with 0 <= start_lap < end_lap <= ${race.laps} (the race distance)`)
    }
    return { type, start, end }
  })
  phases.forEach((phase, i) => {
    const before = phases[i - 1]
    if (before !== undefined && phase.start < before.end) {
      throw invalid(`fcy_phases[${i}] starts at ${phase.start}, before fcy_phases[${i - 1}] ends (${before.end}): give the phases in order, without overlap`)
    }
  })
  return phases
}

function parseRetirements(race: RaceParams, input: unknown): RaceParams['events']['retirements'] {
  if (!Array.isArray(input)) throw invalid('retirements must be a list of {"driver", "lap"}')
  const seen = new Set<string>()
  return input.map((entry: unknown, i) => {
    const at = `retirements[${i}]`
    if (!isObject(entry) || typeof entry.driver !== 'string') throw invalid(`${at}: driver must be a driver code, e.g. "VET"`)
    onlyKeys(entry, ['driver', 'lap'], at)
    const driver = findDriver(race, entry.driver)
    if (seen.has(driver.code)) throw invalid(`${at}: ${driver.code} retires twice`)
    seen.add(driver.code)
    if (!isProgress(entry.lap, race.laps)) throw invalid(`${at}: lap must be race progress from 0 to ${race.laps} (the race distance)`)
    return { driver: driver.code, progress: entry.lap }
  })
}

/** Unknown fields are refused rather than ignored: a misspelt field must not run a different race. */
export function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) throw invalid(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${allowed.join(', ')})`)
}

export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)
const isProgress = (value: unknown, laps: number): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= laps
export const invalid = (message: string) => new RaceSimError('INVALID_REQUEST', message)
