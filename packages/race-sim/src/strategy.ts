// Strategies in and out: parsing the contract's JSON (or the files' rows) and checking it against a race.
import type { DriverParams, RaceParams, Stint } from './catalog/types.ts'
import type { StrategyJson } from './contract.ts'
import { RaceSimError } from './errors.ts'

/** Every compound the parameter files know: slick A1 (hardest) to A7 (softest), intermediate, wet. */
export const COMPOUNDS: readonly string[] = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'I', 'W']

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

/**
 * Reads a strategy: the contract's `{stints: [{start_lap, compound, tire_age, refuel_kg}]}` or the
 * parameter files' rows `[[lap, compound, age, refuel], ...]`. Throws INVALID_STRATEGY on a bad shape.
 */
export function parseStrategy(input: unknown): Stint[] {
  const rows: unknown = Array.isArray(input) ? input : (input as { stints?: unknown } | null)?.stints
  if (!Array.isArray(rows)) throw new RaceSimError('INVALID_STRATEGY', 'strategy must be {"stints": [...]} or a list of [lap, compound, age, refuel] rows')
  return rows.map((row: unknown, i): Stint => {
    const [startLap, compound, tyreAge, refuelKg] = Array.isArray(row)
      ? row
      : [(row as StintJsonLike)?.start_lap, (row as StintJsonLike)?.compound, (row as StintJsonLike)?.tire_age, (row as StintJsonLike)?.refuel_kg ?? 0]
    if (!isCount(startLap)) throw new RaceSimError('INVALID_STRATEGY', `stint ${i + 1}: start_lap must be a whole number of laps >= 0`, { stint: i + 1 })
    if (typeof compound !== 'string') throw new RaceSimError('INVALID_STRATEGY', `stint ${i + 1}: compound must be a string such as "A4"`, { stint: i + 1 })
    if (!isCount(tyreAge)) throw new RaceSimError('INVALID_STRATEGY', `stint ${i + 1}: tire_age must be a whole number of laps >= 0`, { stint: i + 1 })
    if (typeof refuelKg !== 'number' || !Number.isFinite(refuelKg) || refuelKg < 0) {
      throw new RaceSimError('INVALID_STRATEGY', `stint ${i + 1}: refuel_kg must be a number >= 0`, { stint: i + 1 })
    }
    return { startLap, compound, tyreAge, refuelKg }
  })
}

interface StintJsonLike {
  start_lap?: unknown
  compound?: unknown
  tire_age?: unknown
  refuel_kg?: unknown
}

/** The driver with this code in the race. Throws UNKNOWN_DRIVER. */
export function findDriver(race: RaceParams, code: string): DriverParams {
  const driver = race.drivers.find((d) => d.code === code.toUpperCase())
  if (driver === undefined) {
    throw new RaceSimError('UNKNOWN_DRIVER', `no driver ${code} in ${race.trackId} ${race.season} (drivers: ${race.drivers.map((d) => d.code).join(', ')})`, {
      driver: code,
      track_id: race.trackId,
      season: race.season,
    })
  }
  return driver
}

/**
 * Checks that a strategy can be raced by this driver: it starts at lap 0, its stops are in-laps of
 * this race in rising order (the race must not end in the pit lane), and every compound has a fit.
 */
export function validateStrategy(race: RaceParams, driver: DriverParams, stints: readonly Stint[]): void {
  const first = stints[0]
  if (first === undefined) throw new RaceSimError('STRATEGY_NOT_COVERING_RACE', 'strategy has no stints: the first must start at lap 0')
  if (first.startLap !== 0) {
    throw new RaceSimError('FIRST_STINT_NOT_AT_START', `the first stint must start at lap 0, not lap ${first.startLap}`, { start_lap: first.startLap })
  }
  stints.forEach((stint, i) => {
    const previous = stints[i - 1]
    if (previous !== undefined && stint.startLap <= previous.startLap) {
      throw new RaceSimError('INVALID_STRATEGY', `stint ${i + 1} starts at lap ${stint.startLap}, not after stint ${i}'s start (lap ${previous.startLap})`, {
        stint: i + 1,
      })
    }
    if (stint.startLap >= race.laps) {
      throw new RaceSimError(
        'STRATEGY_NOT_COVERING_RACE',
        `stint ${i + 1} starts after lap ${stint.startLap}, but the race has ${race.laps} laps: a stop must come before the last lap`,
        { stint: i + 1, laps: race.laps },
      )
    }
    if (!COMPOUNDS.includes(stint.compound)) {
      throw new RaceSimError('UNKNOWN_COMPOUND', `unknown compound "${stint.compound}" (compounds: ${COMPOUNDS.join(', ')})`, { compound: stint.compound })
    }
    if (driver.tyres.compounds[stint.compound] === undefined) {
      const fitted = Object.keys(driver.tyres.compounds).join(', ')
      throw new RaceSimError(
        'UNKNOWN_COMPOUND',
        `compound ${stint.compound} has no tyre model for ${driver.code} in ${race.trackId} ${race.season} (fitted: ${fitted})`,
        { compound: stint.compound, driver: driver.code },
      )
    }
    const team = race.teams[driver.team]
    if (stint.refuelKg > 0 && (i === 0 || team?.pitRefuelPerKg === null)) {
      throw new RaceSimError('REFUELLING_NOT_ALLOWED', `stint ${i + 1}: refuelling is not allowed in ${race.season}`, { stint: i + 1 })
    }
  })
}

/** The contract's JSON for a strategy. */
export function toStrategyJson(stints: readonly Stint[]): StrategyJson {
  return { stints: stints.map((s) => ({ start_lap: s.startLap, compound: s.compound, tire_age: s.tyreAge, refuel_kg: s.refuelKg })) }
}
