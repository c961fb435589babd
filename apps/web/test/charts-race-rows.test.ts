// The race charts' rows against engine output: Shanghai 2019 as recorded (one VSC, three
// retirements, lapped cars) and with an SC, VSCs and the strategy engineer (yellow and cover stops).
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { driverColours } from '../src/charts/driver-colours.ts'
import { gapRows, lapTimeRows, positionRows, raceLaps, retirements, singleCarLapTimeRows } from '../src/charts/race-rows.ts'
import { isRaceResult, isSingleCarResult, type RaceResult } from '../src/charts/result-kinds.ts'
import { pitStopRows, stintRows } from '../src/charts/stint-rows.ts'
import { leaderLineTimes, raceTimeToLap, yellowSpans } from '../src/charts/yellow-phases.ts'

function race(name: string): RaceResult {
  const value: unknown = JSON.parse(readFileSync(new URL(`./fixtures/charts-${name}.json`, import.meta.url), 'utf8'))
  if (!isRaceResult(value)) throw new Error(`${name} is not a race result`)
  return value
}

const races = [
  ['recorded race', race('race')],
  ['race with yellows', race('race-yellows')],
] as const

describe.each(races)('%s', (_name, result) => {
  const laps = raceLaps(result)
  const drivers = result.classification.map((c) => c.driver)

  test('the race distance is 56 laps with 20 cars', () => {
    expect(laps).toBe(56)
    expect(drivers).toHaveLength(20)
  })

  test('lap-time rows are laps × drivers less the laps lapped and retired cars did not complete', () => {
    const rows = lapTimeRows(result)
    const missing = result.classification.reduce((sum, c) => sum + (laps - c.laps), 0)
    expect(missing).toBeGreaterThan(0)
    expect(rows).toHaveLength(laps * drivers.length - missing)
    for (const c of result.classification) expect(rows.filter((r) => r.driver === c.driver)).toHaveLength(c.laps)
  })

  test("lap-time rows sum to each driver's race time and flag in- and out-laps", () => {
    const rows = lapTimeRows(result)
    for (const c of result.classification) {
      const total = rows.filter((r) => r.driver === c.driver).reduce((s, r) => s + r.time, 0)
      expect(total).toBeCloseTo(c.race_time, 1)
    }
    const stop = result.pit_stops[0]
    expect(stop).toBeDefined()
    expect(rows.find((r) => r.driver === stop?.driver && r.lap === stop.lap)?.pit).toBe(true)
  })

  test('positions at every lap are a permutation of 1..20', () => {
    const rows = positionRows(result)
    expect(rows).toHaveLength(laps * drivers.length)
    for (let lap = 1; lap <= laps; lap++) {
      const positions = rows
        .filter((r) => r.lap === lap)
        .map((r) => r.position)
        .sort((a, b) => a - b)
      expect(positions).toEqual(Array.from({ length: drivers.length }, (_, i) => i + 1))
    }
  })

  test('positions after a retirement are marked retired, and only those', () => {
    const rows = positionRows(result)
    const out = retirements(result)
    expect(out.length).toBeGreaterThan(0)
    for (const r of rows) {
      const retiredAt = out.find((o) => o.driver === r.driver)?.lap
      expect(r.retired).toBe(retiredAt !== undefined && r.lap > retiredAt)
    }
  })

  test('the leader of every lap has a gap of 0 and everyone else a positive one', () => {
    const gaps = gapRows(result)
    const positions = positionRows(result)
    for (let lap = 1; lap <= laps; lap++) {
      const leader = positions.find((r) => r.lap === lap && r.position === 1)?.driver
      const atLap = gaps.filter((g) => g.lap === lap)
      expect(atLap.find((g) => g.driver === leader)?.gap).toBe(0)
      for (const g of atLap) if (g.driver !== leader) expect(g.gap).toBeGreaterThan(0)
    }
  })

  test("stint bars tile each driver's race from the start to his laps completed without overlap", () => {
    const stints = stintRows(result)
    for (const c of result.classification) {
      const own = stints.filter((s) => s.driver === c.driver)
      expect(own[0]?.startLap).toBe(0)
      expect(own.at(-1)?.endLap).toBe(c.laps)
      own.forEach((s, i) => {
        expect(s.endLap).toBeGreaterThan(s.startLap)
        expect(s.stint).toBe(i + 1)
        if (i > 0) expect(s.startLap).toBe(own[i - 1]?.endLap)
      })
    }
  })

  test("each stint's compound is the one the lap detail drives its laps on", () => {
    for (const s of stintRows(result)) {
      const compounds = result.lap_detail[s.driver]?.compound.slice(s.startLap, s.endLap)
      expect(new Set(compounds)).toEqual(new Set([s.compound]))
    }
  })

  test('a stop ends one stint and starts the next on the compound it fitted', () => {
    const stints = stintRows(result)
    for (const stop of pitStopRows(result)) {
      const next = stints.find((s) => s.driver === stop.driver && s.startLap === stop.lap)
      if (next !== undefined) expect(next.compound).toBe(stop.compound)
      expect(stints.some((s) => s.driver === stop.driver && s.endLap === stop.lap)).toBe(true)
    }
  })

  test('yellow phases map to lap spans inside the race, in order', () => {
    const spans = yellowSpans(result)
    expect(spans).toHaveLength(result.fcy_phases.length)
    spans.forEach((s, i) => {
      expect(s.startLap).toBeGreaterThanOrEqual(0)
      expect(s.endLap).toBeGreaterThan(s.startLap)
      expect(s.endLap).toBeLessThanOrEqual(laps)
      if (i > 0) expect(s.startLap).toBeGreaterThanOrEqual(spans[i - 1]?.endLap ?? 0)
    })
  })

  test('every driver gets a distinct colour', () => {
    const colours = driverColours(drivers)
    expect(new Set(drivers.map((d) => colours.colour(d))).size).toBe(drivers.length)
  })
})

describe('race with yellows', () => {
  const result = race('race-yellows')

  // The engine places a phase by its own pre-race timing; the chart interpolates within the leader's
  // actual lap, so the two agree to a fraction of a lap, which is all a shaded band needs.
  test('the requested SC from lap 14.5 to 18 lands within a quarter lap of those laps of the leader', () => {
    const sc = yellowSpans(result).find((s) => s.type === 'SC')
    expect(Math.abs((sc?.startLap ?? 0) - 14.5)).toBeLessThan(0.25)
    expect(Math.abs((sc?.endLap ?? 0) - 18)).toBeLessThan(0.25)
  })

  test('stops keep their reason: planned, yellow and cover all occur', () => {
    expect(new Set(pitStopRows(result).map((s) => s.reason))).toEqual(new Set(['planned', 'yellow', 'cover']))
  })
})

describe('lap to race time conversion', () => {
  const line = leaderLineTimes(race('race'))

  test("the leader's line times start at 0 and rise", () => {
    expect(line[0]).toBe(0)
    for (let i = 1; i < line.length; i++) expect(line[i]).toBeGreaterThan(line[i - 1] ?? 0)
  })

  test('a line time maps to its whole lap, halfway between two to the half lap', () => {
    expect(raceTimeToLap(line[10] ?? 0, line)).toBeCloseTo(10, 6)
    expect(raceTimeToLap(((line[10] ?? 0) + (line[11] ?? 0)) / 2, line)).toBeCloseTo(10.5, 6)
    expect(raceTimeToLap(1e9, line)).toBe(56)
  })
})

test("a single car's lap times are one row per lap under the simulation's driver", () => {
  const value: unknown = JSON.parse(readFileSync(new URL('./fixtures/charts-single.json', import.meta.url), 'utf8'))
  if (!isSingleCarResult(value)) throw new Error('not single')
  const rows = singleCarLapTimeRows(value, 'HAM')
  expect(rows).toHaveLength(value.lap_times.length)
  expect(rows.every((r) => r.driver === 'HAM')).toBe(true)
  expect(rows.reduce((s, r) => s + r.time, 0)).toBeCloseTo(value.race_time, 1)
})
