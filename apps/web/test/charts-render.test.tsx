// Every chart renders its frame on the server: the data-chart name e2e tests look for, the visible
// title and a described drawing (role="img" + aria-label). Effects do not run here, so no SVG is
// drawn: that needs a browser (e2e).
import { readFileSync } from 'node:fs'
import { createElement, type ReactElement } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import {
  GapToLeaderChart,
  LapTimesChart,
  LEGACY_MESSAGE,
  MISMATCH_MESSAGE,
  NO_RESULTS_MESSAGE,
  OptimizerCharts,
  PairedDeltaChart,
  PitLapCurveChart,
  PositionByLapChart,
  PositionDistributionChart,
  PositionsChart,
  RaceTimeDistributionChart,
  ResultCharts,
  StrategyTable,
  TyreStintsChart,
  isMonteCarloResult,
  isOptimizeResult,
  isRaceResult,
  isSingleCarResult,
} from '../src/charts/index.ts'
import type { Simulation } from '../src/api/types.ts'
import { chartsIn, storedSimulation } from './charts-helpers.ts'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/charts-${name}.json`, import.meta.url), 'utf8'))
const race = fixture('race-yellows')
const study = fixture('monte-carlo')
const optimized = fixture('optimize')
const single = fixture('single')
if (!isRaceResult(race) || !isMonteCarloResult(study) || !isOptimizeResult(optimized) || !isSingleCarResult(single))
  throw new Error('fixture of the wrong kind')
const comparison = study.comparison
if (comparison === undefined) throw new Error('the study fixture has no comparison')

/** The attributes of the element carrying data-chart="name", and the whole markup. */
function frame(element: ReactElement, name: string) {
  const html = renderToString(element)
  const open = new RegExp(`<figure[^>]*data-chart="${name}"[^>]*>`).exec(html)?.[0]
  return { html, open }
}

const decode = (s: string) =>
  s
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
const ariaLabel = (html: string) => decode(/role="img" aria-label="([^"]*)"/.exec(html)?.[1] ?? '')

const charts: [string, ReactElement, string, RegExp][] = [
  [
    'lap-times',
    createElement(LapTimesChart, { result: race, focusDriver: 'HAM' }),
    'Lap times',
    /lap time in seconds against lap for 20 drivers.*HAM highlighted.*an SC from lap/,
  ],
  [
    'positions',
    createElement(PositionsChart, { result: race, focusDriver: 'HAM' }),
    'Positions per lap',
    /position \(1 at the top\) against lap.*retired: /,
  ],
  ['gap-to-leader', createElement(GapToLeaderChart, { result: race }), 'Gap to the leader', /gap to the leader in seconds/],
  [
    'tyre-stints',
    createElement(TyreStintsChart, { result: race, focusDriver: 'HAM' }),
    'Tyre stints',
    /coloured by compound.*under a yellow.*cover an undercut.*HAM: A4 laps 1-/,
  ],
  [
    'position-distribution',
    createElement(PositionDistributionChart, { result: study, focusDriver: 'BOT' }),
    'Finishing positions',
    /share of 200 runs.*BOT wins 86\.0 %/,
  ],
  [
    'race-time-distribution',
    createElement(RaceTimeDistributionChart, { result: study }),
    'Race time',
    /over the runs each driver finished/,
  ],
  [
    'position-by-lap',
    createElement(PositionByLapChart, { result: study, focusDriver: 'HAM' }),
    'Position per lap, HAM',
    /HAM's position \(1 at the top\) against lap over 200 runs/,
  ],
  [
    'paired-delta',
    createElement(PairedDeltaChart, { comparison, runs: study.runs }),
    'Strategy B against A for BOT',
    /BOT: strategy B is 27\.7 s slower than A on average, 95 % confidence interval 25\.9 to 29\.5 s/,
  ],
  [
    'pit-lap-curve',
    createElement(PitLapCurveChart, { result: optimized }),
    'One-stop race time by pit lap, HAM',
    /one-stop race time.*fastest: in-lap \d+/,
  ],
]

describe.each(charts)('the %s chart', (name, element, title, description) => {
  const { html, open } = frame(element, name)

  test('renders a figure with its data-chart name', () => {
    expect(open).toBeDefined()
  })

  test('shows its title and is labelled by it', () => {
    expect(decode(html)).toContain(`>${title}</figcaption>`)
    const id = /aria-labelledby="([^"]+)"/.exec(open ?? '')?.[1]
    expect(id).toBeDefined()
    expect(html).toContain(`id="${id}"`)
  })

  test('describes its drawing in an aria-label on a role="img" container', () => {
    expect(ariaLabel(html)).toMatch(description)
  })

  test('draws nothing on the server (the SVG comes from an effect at the measured width)', () => {
    expect(html).not.toContain('<svg')
  })
})

describe('race-time distribution', () => {
  test('its caption says it is over the runs each car finished only', () => {
    expect(renderToString(createElement(RaceTimeDistributionChart, { result: study }))).toContain('Only over the runs each car finished')
  })
})

describe('strategy table', () => {
  const html = renderToString(createElement(StrategyTable, { result: optimized }))

  test('is a captioned HTML table found by data-chart="strategy-table"', () => {
    expect(html).toMatch(/<figure[^>]*data-chart="strategy-table"/)
    expect(html).toMatch(/<table[^>]*><caption[^>]*>Fastest strategy per stop count, <!-- -->HAM<\/caption>/)
  })

  test('has one body row per stop count with a row header', () => {
    expect(html.match(/<tr><th scope="row"/g)).toHaveLength(3)
  })

  test('shows the Monte Carlo columns when the optimizer re-evaluated, and not without', () => {
    expect(html).toContain('Win (%)')
    const bare = renderToString(createElement(StrategyTable, { result: { ...optimized, in_race: [], in_monte_carlo: undefined } }))
    expect(bare).not.toContain('Win (%)')
    expect(bare).not.toContain('Position in the race')
  })
})

describe('ResultCharts', () => {
  const sim = (results: unknown, mode?: Simulation['mode']) => storedSimulation(results, mode, 'HAM')

  test('a race gets lap times, positions, gap to the leader and tyre stints', () => {
    expect(chartsIn(renderToString(createElement(ResultCharts, { simulation: sim(race, 'race') })))).toEqual([
      'lap-times',
      'positions',
      'gap-to-leader',
      'tyre-stints',
    ])
  })

  test("a race focuses the simulation's driver unless told another", () => {
    expect(renderToString(createElement(ResultCharts, { simulation: sim(race, 'race') }))).toContain('HAM highlighted')
    expect(renderToString(createElement(ResultCharts, { simulation: sim(race, 'race'), focusDriver: 'VER' }))).toContain('VER highlighted')
  })

  test('a Monte Carlo study with a comparison gets the paired delta, both distributions and the position fan', () => {
    expect(chartsIn(renderToString(createElement(ResultCharts, { simulation: sim(study, 'monte_carlo') })))).toEqual([
      'paired-delta',
      'position-distribution',
      'race-time-distribution',
      'position-by-lap',
    ])
  })

  test('a Monte Carlo study without a comparison gets no paired delta', () => {
    const plain = { ...study, comparison: undefined }
    expect(chartsIn(renderToString(createElement(ResultCharts, { results: plain, mode: 'monte_carlo' })))).toEqual([
      'position-distribution',
      'race-time-distribution',
      'position-by-lap',
    ])
  })

  test('a stored optimizer job gets the strategy table and the pit-lap curve, and a cancelled one says what its runs cover', () => {
    expect(chartsIn(renderToString(createElement(ResultCharts, { simulation: sim(optimized, 'optimize') })))).toEqual([
      'strategy-table',
      'pit-lap-curve',
    ])
    const partial = { ...sim(optimized, 'optimize'), partial: true as const, progress: { runs_done: 300, runs_total: 2000 } }
    expect(renderToString(createElement(ResultCharts, { simulation: partial }))).toMatch(
      /cover the <!-- -->300<!-- --> of <!-- -->2000<!-- --> runs done/,
    )
  })

  test('a single-car run gets its lap times', () => {
    expect(chartsIn(renderToString(createElement(ResultCharts, { simulation: sim(single, 'single') })))).toEqual(['lap-times'])
  })

  test('a legacy row (no mode) gets the migrated message and no chart, whatever its result holds', () => {
    for (const results of [{ position: 3, total_time: 5523.4 }, [1, 2], 'not json', race]) {
      const html = renderToString(createElement(ResultCharts, { simulation: sim(results) }))
      expect(decode(html)).toContain(LEGACY_MESSAGE)
      expect(chartsIn(html)).toEqual([])
    }
  })

  test('a result whose shape contradicts its mode gets a message, not a broken chart', () => {
    const html = renderToString(createElement(ResultCharts, { simulation: sim(study, 'race') }))
    expect(decode(html)).toContain(MISMATCH_MESSAGE)
    expect(chartsIn(html)).toEqual([])
  })

  test('a simulation still running says it has no results yet', () => {
    expect(decode(renderToString(createElement(ResultCharts, { simulation: sim(undefined, 'monte_carlo') })))).toContain(NO_RESULTS_MESSAGE)
  })

  test('a partial (cancelled) study says how many runs its charts cover', () => {
    const partial = { ...sim(study, 'monte_carlo'), partial: true as const, progress: { runs_done: 200, runs_total: 1000 } }
    expect(renderToString(createElement(ResultCharts, { simulation: partial }))).toMatch(
      /cover the <!-- -->200<!-- --> of <!-- -->1000<!-- --> runs done/,
    )
  })
})

describe('OptimizerCharts', () => {
  test('shows the strategy table and the pit-lap curve', () => {
    const html = renderToString(createElement(OptimizerCharts, { result: optimized }))
    expect([...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual(['strategy-table', 'pit-lap-curve'])
  })
})
