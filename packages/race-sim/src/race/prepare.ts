// From catalog race + request to a compiled race: every driver's strategy (the request's for one
// driver, the file's for the rest) and the reference driver's free-track laps for event timing.
import type { DriverParams, RaceParams, Stint } from '../catalog/types.ts'
import { freeTrackLaps, type FreeTrackLaps } from '../single-car.ts'
import { findDriver, validateStrategy } from '../strategy.ts'
import { timeEvents, type TimedEvents } from './fcy-timing.ts'
import { runRace } from './engine.ts'
import { compileRace, type DriverNoise, type RaceSetup } from './setup.ts'
import type { StrategyEngineer } from './strategy-engineer.ts'
import { createWorkspace, type Workspace } from './workspace.ts'

export interface StrategyOverride {
  driver: string
  stints: readonly Stint[]
}

export interface PreparedRace {
  setup: RaceSetup
  /** Strategies in race.drivers order. */
  strategies: (readonly Stint[])[]
  refDriver: DriverParams
  refStints: readonly Stint[]
  refLaps: FreeTrackLaps
}

/** Validates the override (if any) and compiles the race. */
export function prepareRace(
  race: RaceParams,
  override?: StrategyOverride,
  noise: DriverNoise[] | null = null,
  engineer: StrategyEngineer | null = null,
): PreparedRace {
  const strategies = raceStrategies(race, override)
  // The file names who the pre-simulation follows; should he not start, the pole sitter.
  const named = race.drivers.findIndex((d) => d.code === race.monteCarlo.refDriver)
  const refAt = named >= 0 ? named : race.drivers.reduce((best, d, i) => (d.grid < race.drivers[best]!.grid ? i : best), 0)
  const refDriver = race.drivers[refAt]!
  const refStints = strategies[refAt]!
  return {
    setup: compileRace(race, strategies, noise, engineer),
    strategies,
    refDriver,
    refStints,
    refLaps: freeTrackLaps(race, refDriver, refStints),
  }
}

/** Every driver's strategy in race.drivers order: the file's, the override's for its driver (validated). */
function raceStrategies(race: RaceParams, override?: StrategyOverride): (readonly Stint[])[] {
  const strategies = race.drivers.map((d) => d.strategy as readonly Stint[])
  if (override !== undefined) {
    const driver = findDriver(race, override.driver)
    validateStrategy(race, driver, override.stints)
    strategies[race.drivers.indexOf(driver)] = override.stints
  }
  return strategies
}

/** The real race's yellows and retirements (deterministic mode), timed for the lap loop. */
export function recordedEvents(p: PreparedRace): TimedEvents {
  const { setup } = p
  const retire = new Float64Array(setup.n).fill(NaN)
  for (const r of setup.race.events.retirements) {
    const d = setup.codes.indexOf(r.driver)
    if (d >= 0) retire[d] = r.progress
  }
  return timeEvents(setup.race, p.refDriver, p.refLaps, p.refStints, setup.race.events.fcyPhases, retire)
}

/** The race as it was run: the file's strategies (or the override), the real race's yellows and retirements. */
export function runRecordedRace(
  race: RaceParams,
  override?: StrategyOverride,
  options: { detail?: boolean; engineer?: StrategyEngineer | null } = {},
): { prepared: PreparedRace; events: TimedEvents; workspace: Workspace } {
  const prepared = prepareRace(race, override, null, options.engineer ?? null)
  const events = recordedEvents(prepared)
  const workspace = createWorkspace(prepared.setup, options)
  runRace(prepared.setup, events.phases, events.retirements, workspace, null)
  return { prepared, events, workspace }
}
