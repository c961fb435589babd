// Small synthetic races for the model-term tests: every term off (zero) unless a test turns it on,
// so each test sees exactly the term it checks.
import type { CompoundFit, DriverParams, RaceParams, RaceRules, Stint, TeamParams, TrackParams, TyreParams } from '../src/catalog/types.ts'
import type { RaceResult } from '../src/contract.ts'
import { RaceSimError } from '../src/errors.ts'

export const BASE = 82 // tQuali 80 + tGapRacePace 2

export function track(over: Partial<TrackParams> = {}): TrackParams {
  return {
    tQuali: 80,
    tGapRacePace: 2,
    massSensitivity: 0.03,
    pitTyreChangeMin: 2,
    pitInlap: 5,
    pitOutlap: 15,
    pitInlapFcy: 3,
    pitOutlapFcy: 12,
    pitInlapSc: 1,
    pitOutlapSc: 10,
    pitsAfterFinishLine: true,
    gridLossPerPosition: 0,
    firstLapLoss: 0,
    overtakeGap: 1,
    overtakeGapPerKmh: -0.03,
    drsEffect: -0.6,
    scLapFactor: 1.6,
    fcyLapFactor: 1.4,
    ...over,
  }
}

export function team(name: string, over: Partial<TeamParams> = {}): TeamParams {
  return {
    name,
    tCar: 0,
    fuelStartKg: 0,
    fuelPerLapKg: 0,
    fuelMultSc: 0.25,
    fuelMultFcy: 0.5,
    autoFuelAdjust: false,
    pitTyreChangeExtra: 0.5,
    pitRefuelPerKg: null,
    ...over,
  }
}

export function stints(rows: [number, string, number, number][]): Stint[] {
  return rows.map(([startLap, compound, tyreAge, refuelKg]) => ({ startLap, compound, tyreAge, refuelKg }))
}

export function tyres(over: Partial<TyreParams> = {}, fits: Record<string, CompoundFit> = {}): TyreParams {
  return {
    model: 'lin',
    degMultSc: 0.25,
    degMultFcy: 0.5,
    coldTyreLoss: 0,
    compounds: { A3: { k0: 0, k1Lin: 0 }, A4: { k0: 0, k1Lin: 0 }, ...fits },
    ...over,
  }
}

let carNo = 1
export function driver(code: string, over: Partial<DriverParams> = {}): DriverParams {
  return {
    code,
    name: code,
    carNo: carNo++,
    team: 'Alpha',
    tDriver: 0,
    grid: 1,
    teamOrder: 0,
    vMax: 320,
    strategy: stints([[0, 'A3', 0, 0]]),
    baseStrategy: null,
    tyres: tyres(),
    ...over,
  }
}

export function rules(over: Partial<RaceRules> = {}): RaceRules {
  return { minGap: 0.5, minGapSc: 0.8, duelLoss: 0.3, overtakenLoss: 0.3, drs: null, ...over }
}

export function race(over: Partial<RaceParams> & { drivers: DriverParams[] }): RaceParams {
  const teams: Record<string, TeamParams> = {}
  for (const d of over.drivers) teams[d.team] ??= team(d.team)
  return {
    trackId: 'testring',
    season: 2019,
    laps: 10,
    track: track(),
    rules: rules(),
    teams,
    events: { fcyPhases: [], retirements: [] },
    availableCompounds: ['A3', 'A4'],
    dryCompounds: ['A3', 'A4'],
    monteCarlo: { refDriver: over.drivers[0]!.code, minDistScLaps: 1.5, minDistVscLaps: 1.5 },
    ...over,
  }
}

/** Sum of numbers. */
export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

/** Equal within half a millisecond (results are rounded to the millisecond). */
export const near = (a: number, b: number, tolerance = 0.0005): boolean => Math.abs(a - b) <= tolerance

/** Every rule of a valid result; returns the first broken one, or undefined. */
export function brokenRule(race: RaceParams, result: Omit<RaceResult, 'warnings' | 'lap_detail'>): string | undefined {
  const codes = race.drivers.map((d) => d.code)
  const n = codes.length
  if (result.classification.map((c) => c.position).join() !== codes.map((_, i) => i + 1).join()) return 'classification positions'
  if (result.classification[0]!.gap !== 0) return 'winner gap'
  for (let lap = 0; lap < race.laps; lap++) {
    const places = codes.map((c) => result.positions[c]![lap]!).sort((a, b) => a - b)
    if (places.some((p, i) => p !== i + 1)) return `positions of lap ${lap + 1} are not 1..${n}`
  }
  for (const entry of result.classification) {
    const laps = result.lap_times[entry.driver]!
    if (laps.length !== entry.laps) return `${entry.driver}: ${laps.length} lap times for ${entry.laps} laps`
    const total = laps.reduce((a, b) => a + b, 0)
    if (Math.abs(total - entry.race_time) > 0.0005 * laps.length + 1e-9) return `${entry.driver}: lap times do not sum to the race time`
  }
  // Minimum gap at the line between cars with the same laps done, except around a car on its in-lap
  // (summing lap times rounded to the ms can be off by 1 ms a lap).
  const inlaps = new Set(result.pit_stops.map((s) => `${s.driver}/${s.lap}`))
  for (let lap = 1; lap <= race.laps; lap++) {
    const atLine = codes
      .filter((c) => result.lap_times[c]!.length >= lap)
      .map((c) => ({ c, time: result.lap_times[c]!.slice(0, lap).reduce((a, b) => a + b, 0) }))
      .sort((a, b) => a.time - b.time)
    for (let i = 1; i < atLine.length; i++) {
      const front = atLine[i - 1]!
      const back = atLine[i]!
      if (inlaps.has(`${front.c}/${lap}`) || inlaps.has(`${back.c}/${lap}`)) continue
      if (back.time - front.time < race.rules.minGap - 0.001 * lap - 1e-9) return `lap ${lap}: ${back.c} ${(back.time - front.time).toFixed(3)} s behind ${front.c}`
    }
  }
  return undefined
}

/** The RaceSimError `run` throws (fails the test if it throws nothing or something else). */
export function raceSimErrorOf(run: () => unknown): RaceSimError {
  try {
    run()
  } catch (err) {
    if (err instanceof RaceSimError) return err
    throw err
  }
  throw new Error('no error thrown')
}
