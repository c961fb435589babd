// The sensitivity chart against engine output: a Monte Carlo study's sweep (test/fixtures/
// charts-sensitivity.json, its request in charts-requests.json) and a race's (below, as the engine
// returned it for the same strategy in race mode).
import { readFileSync } from 'node:fs'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import type { Simulation } from '../src/api/types.ts'
import { chartsIn, storedSimulation } from './charts-helpers.ts'
import { ResultCharts, isMonteCarloResult, isRaceResult } from '../src/charts/index.ts'
import { raceSensitivityRows, studySensitivityRows, type RaceSensitivity } from '../src/charts/sensitivity-rows.ts'

const study: unknown = JSON.parse(readFileSync(new URL('./fixtures/charts-sensitivity.json', import.meta.url), 'utf8'))
const race: unknown = JSON.parse(readFileSync(new URL('./fixtures/charts-race.json', import.meta.url), 'utf8'))
if (!isMonteCarloResult(study) || study.sensitivity === undefined || !isRaceResult(race)) throw new Error('fixture of the wrong kind')
const sweep = study.sensitivity

const raceSweep: RaceSensitivity = {
  driver: 'BOT',
  base: { position: 2, race_time: 5489.804 },
  pit_loss: [
    { pct: -20, position: 2, race_time: 5486.419, delta_position: 0, delta_time: -3.385 },
    { pct: 20, position: 2, race_time: 5494.389, delta_position: 0, delta_time: 4.585 },
  ],
  tyre_degradation: [
    { pct: -20, position: 2, race_time: 5469.638, delta_position: 0, delta_time: -20.166 },
    { pct: 20, position: 20, race_time: null, delta_position: 18, delta_time: null },
    { pct: 10, position: 3, race_time: 5512.069, delta_position: 1, delta_time: 22.265 },
  ],
}

describe('sensitivity rows', () => {
  test("a study's sweep gives one line per figure through the study as asked, in order of the change", () => {
    const rows = studySensitivityRows(sweep)
    expect([...new Set(rows.map((r) => r.figure))]).toEqual(['Pit-lane loss', 'Tyre wear', 'Safety-car chance'])
    for (const figure of ['Pit-lane loss', 'Tyre wear', 'Safety-car chance']) {
      const line = rows.filter((r) => r.figure === figure)
      expect(line.map((r) => r.pct)).toEqual(line.map((r) => r.pct).sort((a, b) => a - b))
      expect(line.find((r) => r.pct === 0)?.delta).toBe(0)
      expect(line).toHaveLength(5)
    }
    const lessWear = rows.find((r) => r.figure === 'Tyre wear' && r.pct === -20)!
    expect(lessWear.delta).toBe(sweep.tyre_degradation![0]!.delta.points)
    expect(lessWear.outcome).toContain('points (+')
  })

  test("a race's sweep is in seconds, and a point where he retired has no place on the line", () => {
    const rows = raceSensitivityRows(raceSweep)
    expect(rows.filter((r) => r.figure === 'Tyre wear').map((r) => [r.pct, r.delta])).toEqual([
      [-20, -20.166],
      [0, 0],
      [10, 22.265],
    ])
    expect(rows.find((r) => r.pct === 10)?.outcome).toBe('P3 (-1 places), +22.265 s')
  })
})

describe('sensitivity in the result charts', () => {
  const sim = (results: unknown, mode: Simulation['mode']) => storedSimulation(results, mode, 'BOT')

  test('a study with a sweep leads with the sensitivity chart, labelled in points per race', () => {
    const html = renderToString(createElement(ResultCharts, { simulation: sim(study, 'monte_carlo') }))
    expect(chartsIn(html)[0]).toBe('sensitivity')
    expect(html).toContain('mean points per race as one figure of the race changes')
    expect(html).toContain('100 runs, the same seed')
  })

  test('a race with a sweep leads with it in seconds; without one there is none', () => {
    const swept = renderToString(createElement(ResultCharts, { simulation: sim({ ...race, sensitivity: raceSweep }, 'race') }))
    expect(chartsIn(swept)).toEqual(['sensitivity', 'lap-times', 'positions', 'gap-to-leader', 'tyre-stints'])
    expect(swept).toContain('-3.38 to 4.58 s')
    expect(chartsIn(renderToString(createElement(ResultCharts, { simulation: sim(race, 'race') })))).not.toContain('sensitivity')
  })
})
