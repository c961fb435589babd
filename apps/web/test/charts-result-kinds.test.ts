// The type guards against every engine fixture (test/fixtures/charts-*.json, requests in
// charts-requests.json) and the legacy shapes the migrator stores.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { isMonteCarloResult, isOptimizeResult, isRaceResult, isSingleCarResult, resultKind } from '../src/charts/result-kinds.ts'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/charts-${name}.json`, import.meta.url), 'utf8'))

const guards = { race: isRaceResult, monte_carlo: isMonteCarloResult, single: isSingleCarResult, optimize: isOptimizeResult }
const cases: [string, unknown, keyof typeof guards | null][] = [
  ['the recorded race', fixture('race'), 'race'],
  ['the race with yellows and the strategy engineer', fixture('race-yellows'), 'race'],
  ['the Monte Carlo study with a paired comparison', fixture('monte-carlo'), 'monte_carlo'],
  ['the single-car run', fixture('single'), 'single'],
  ['the optimizer result', fixture('optimize'), 'optimize'],
  ['a legacy map', { position: 3, total_time: 5523.4, laps: 56 }, null],
  ['a legacy map with a lap_times key', { lap_times: [1, 2], total_time: 3 }, null],
  ['a legacy list', [1, 2, 3], null],
  ['a legacy string that is not JSON', '{"position": 3', null],
  ['null', null, null],
]

describe('result type guards', () => {
  test.each(cases)('%s is recognised by exactly the guard of its kind', (_name, value, kind) => {
    for (const [guardKind, guard] of Object.entries(guards)) expect(guard(value), guardKind).toBe(guardKind === kind)
  })

  test('resultKind sends legacy and unknown shapes to "legacy" and engine shapes to their mode', () => {
    expect(resultKind(fixture('race'))).toBe('race')
    expect(resultKind(fixture('monte-carlo'))).toBe('monte_carlo')
    expect(resultKind(fixture('single'))).toBe('single')
    expect(resultKind(fixture('optimize'))).toBe('optimize')
    expect(resultKind({ position: 3 })).toBe('legacy')
    expect(resultKind('broken')).toBe('legacy')
    expect(resultKind([])).toBe('legacy')
  })
})
