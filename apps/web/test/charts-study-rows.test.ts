// The Monte Carlo and optimizer charts' rows against engine output: Shanghai 2019, 200 runs, BOT's
// 2-stop (A) against a 1-stop in lap 20 (B); the optimizer for HAM with a 50-run re-evaluation.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  deltaSummary,
  fieldSize,
  neverFinished,
  positionByLapRows,
  positionGainRows,
  positionShareRows,
  raceTimeRangeRows,
} from '../src/charts/monte-carlo-rows.ts'
import { bestPitLap, pitLapRows, strategyTableRows } from '../src/charts/optimizer-rows.ts'
import { strategyLabel } from '../src/charts/strategy-label.ts'
import { isMonteCarloResult, isOptimizeResult } from '../src/charts/result-kinds.ts'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/charts-${name}.json`, import.meta.url), 'utf8'))
const study = fixture('monte-carlo')
const optimized = fixture('optimize')
if (!isMonteCarloResult(study)) throw new Error('charts-monte-carlo.json is not a Monte Carlo result')
if (!isOptimizeResult(optimized)) throw new Error('charts-optimize.json is not an optimizer result')

describe('Monte Carlo position distribution', () => {
  const rows = positionShareRows(study)

  test("each driver's position shares sum to 100 %", () => {
    for (const d of study.drivers) {
      const sum = rows.filter((r) => r.driver === d.driver).reduce((s, r) => s + r.share, 0)
      expect(sum).toBeCloseTo(100, 6)
    }
  })

  test('each position is shared out over the drivers to 100 % too (one car per place per run)', () => {
    for (let position = 1; position <= fieldSize(study); position++) {
      const sum = rows.filter((r) => r.position === position).reduce((s, r) => s + r.share, 0)
      expect(sum).toBeCloseTo(100, 6)
    }
  })

  test('the win share is the share of position 1', () => {
    for (const d of study.drivers) {
      const p1 = rows.find((r) => r.driver === d.driver && r.position === 1)?.share ?? 0
      expect(p1).toBeCloseTo(d.win * 100, 6)
    }
  })

  test('the field is 20 cars', () => {
    expect(fieldSize(study)).toBe(20)
  })
})

describe('Monte Carlo race-time ranges', () => {
  const rows = raceTimeRangeRows(study)

  test('one range per driver who finished a run, fastest median first, p10 ≤ p50 ≤ p90', () => {
    expect(rows).toHaveLength(study.drivers.length - neverFinished(study).length)
    rows.forEach((r, i) => {
      expect(r.p10).toBeLessThanOrEqual(r.p50)
      expect(r.p50).toBeLessThanOrEqual(r.p90)
      if (i > 0) expect(r.p50).toBeGreaterThanOrEqual(rows[i - 1]?.p50 ?? 0)
    })
  })

  test('each range says over what share of runs it was taken (the runs finished)', () => {
    for (const r of rows) {
      const dnf = study.drivers.find((d) => d.driver === r.driver)?.dnf ?? 0
      expect(r.finished).toBeCloseTo((1 - dnf) * 100, 6)
    }
  })
})

describe('Monte Carlo position per lap', () => {
  test('one row per lap, the band ordered p10 ≤ p50 ≤ p90 wherever the driver is running', () => {
    const rows = positionByLapRows(study, 'BOT')
    expect(rows).toHaveLength(56)
    for (const r of rows) {
      if (r.p10 === null || r.p50 === null || r.p90 === null) continue
      expect(r.p10).toBeLessThanOrEqual(r.p50)
      expect(r.p50).toBeLessThanOrEqual(r.p90)
      expect(r.running).toBeGreaterThan(0)
    }
  })

  test('the share still running never rises from one lap to the next', () => {
    const rows = positionByLapRows(study, 'HAM')
    rows.forEach((r, i) => i > 0 && expect(r.running).toBeLessThanOrEqual(rows[i - 1]?.running ?? 100))
  })

  test('a driver not in the study has no rows', () => {
    expect(positionByLapRows(study, 'XYZ')).toEqual([])
  })
})

describe('paired comparison', () => {
  const comparison = study.comparison
  if (comparison === undefined) throw new Error('the fixture has no comparison')

  test('the delta summary holds the mean inside its 95 % interval and the quantiles in order', () => {
    const d = deltaSummary(comparison)
    expect(d).not.toBeNull()
    if (d === null) return
    expect(d.driver).toBe('BOT')
    expect(d.ciLow).toBeLessThanOrEqual(d.mean)
    expect(d.mean).toBeLessThanOrEqual(d.ciHigh)
    expect(d.p10).toBeLessThanOrEqual(d.p50)
    expect(d.p50).toBeLessThanOrEqual(d.p90)
    expect(d.runs).toBeLessThanOrEqual(study.runs)
    expect(d.bFaster).toBeGreaterThanOrEqual(0)
    expect(d.bFaster).toBeLessThanOrEqual(100)
  })

  test('no delta summary when no run had both strategies finish', () => {
    expect(deltaSummary({ ...comparison, race_time_delta: null })).toBeNull()
  })

  test('position gain shares are ascending by gain and sum to 100 %', () => {
    const rows = positionGainRows(comparison)
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(100, 6)
    rows.forEach((r, i) => i > 0 && expect(r.gain).toBeGreaterThan(rows[i - 1]?.gain ?? -Infinity))
  })

  test('strategy B reads as its stints in a line', () => {
    expect(strategyLabel(comparison.strategy_b)).toBe('A4 (2 laps old) · lap 20 A3')
  })
})

describe('optimizer', () => {
  test('the pit-lap curve has one point per in-lap, ascending, and its best is its minimum', () => {
    const rows = pitLapRows(optimized)
    expect(rows).toHaveLength(optimized.pit_lap_curve.length)
    rows.forEach((r, i) => i > 0 && expect(r.pitLap).toBe((rows[i - 1]?.pitLap ?? 0) + 1))
    expect(bestPitLap(rows)?.raceTime).toBe(Math.min(...rows.map((r) => r.raceTime)))
    expect(rows[0]?.compounds).toMatch(/^A\d → A\d$/)
  })

  test("the pit-lap curve's best in-lap is no slower than the best 1-stop strategy", () => {
    const oneStop = optimized.strategies.find((s) => s.stops === 1)
    expect(bestPitLap(pitLapRows(optimized))?.raceTime).toBeCloseTo(oneStop?.race_time ?? NaN, 1)
  })

  test('the strategy table has one row per stop count, the fastest with no gap', () => {
    const rows = strategyTableRows(optimized)
    expect(rows.map((r) => r.stops)).toEqual([1, 2, 3])
    expect(Math.min(...rows.map((r) => r.gapToBest))).toBe(0)
    expect(rows.find((r) => r.stops === 2)?.strategy).toBe('A4 (2 laps old) · lap 19 A3 · lap 35 A4')
  })

  test("the table joins the Monte Carlo re-evaluation of each stop count's fastest", () => {
    for (const r of strategyTableRows(optimized)) {
      expect(r.win).not.toBeNull()
      expect(r.points).not.toBeNull()
    }
  })

  test('without re-evaluations the table leaves the race and study columns empty', () => {
    const rows = strategyTableRows({ ...optimized, in_race: [], in_monte_carlo: undefined })
    for (const r of rows) expect([r.racePosition, r.raceRaceTime, r.win, r.podium, r.points]).toEqual([null, null, null, null, null])
  })
})
