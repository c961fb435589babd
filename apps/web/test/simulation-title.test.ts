import { expect, test } from 'vitest'
import { simulationTitle } from '../src/lib/simulation-title.ts'

test('a simulation reads as place, season, driver and mode', () => {
  expect(simulationTitle({ track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'race' })).toBe('Shanghai 2019 · HAM · race')
  expect(simulationTitle({ track_id: 'yas_marina', season: 2019, mode: 'monte_carlo' })).toBe('Yas marina 2019 · Monte Carlo')
})

test('a row migrated from the old app without track or mode still has a title', () => {
  expect(simulationTitle({})).toBe('Imported simulation')
})
