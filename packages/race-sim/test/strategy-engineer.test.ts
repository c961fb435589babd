// The virtual strategy engineer (src/race/strategy-engineer.ts): stops brought forward under yellows
// and to cover an undercut, never a compound changed or a stop added.
import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import type { MonteCarloResult, RaceResult } from '../src/contract.ts'
import { runMonteCarlo } from '../src/monte-carlo/monte-carlo.ts'
import { runSimulation } from '../src/simulate.ts'
import { raceSimErrorOf } from './helper.ts'

const SC = { type: 'SC', start_lap: 15.5, end_lap: 19 }
const race = (over: Record<string, unknown> = {}) => runSimulation({ track_id: 'shanghai', season: 2019, mode: 'race', ...over }) as RaceResult
const stopsOf = (r: RaceResult, driver: string) => r.pit_stops.filter((p) => p.driver === driver)

t.test('under a safety car, a driver whose stop is within the window pits in that lap, on the compounds he planned', async (t) => {
  const off = race({ fcy_phases: [SC] })
  const on = race({ fcy_phases: [SC], strategy_engineer: {} })
  const planned = stopsOf(off, 'HAM')
  const reacted = stopsOf(on, 'HAM')
  t.equal(planned[0]!.lap, 22, 'HAM plans his stop at the end of lap 22')
  t.equal(reacted[0]!.lap, 16, 'he pits under the SC instead')
  t.equal(reacted[0]!.reason, 'yellow')
  t.strictSame(reacted.map((p) => p.compound), planned.map((p) => p.compound), 'the same sets, in the same order')
  t.equal(reacted.length, planned.length, 'no stop added or dropped')
  t.ok(on.strategy_engineer !== null && off.strategy_engineer === null, 'the result says whether it ran')
})

t.test('a stop beyond the yellow window, or one that would not pay, stays where it was planned', async (t) => {
  const narrow = race({ fcy_phases: [SC], strategy_engineer: { yellow_window_laps: 3 } })
  t.equal(stopsOf(narrow, 'HAM')[0]!.lap, 19, 'with a three-lap window, not in lap 16 but in lap 19, the last under the SC')
  const late = race({ fcy_phases: [{ type: 'SC', start_lap: 2.5, end_lap: 5 }], strategy_engineer: {} })
  t.equal(stopsOf(late, 'HAM')[0]!.lap, 22, 'in lap 3 the worn set is young: the earlier stop costs more than it saves')
})

t.test('only the drivers the engineer looks after react', async (t) => {
  const only = race({ fcy_phases: [SC], strategy_engineer: { drivers: ['BOT'] } })
  t.equal(stopsOf(only, 'BOT')[0]!.lap, 16)
  t.equal(stopsOf(only, 'HAM')[0]!.lap, 22)
  t.notOk(only.pit_stops.some((p) => p.driver !== 'BOT' && p.reason !== 'planned'))
})

t.test('the car ahead covers the undercut of the car right behind him by pitting the next lap', async (t) => {
  // HAM runs right behind BOT; pitting him at the end of lap 12 is an undercut on BOT's lap-16 plan.
  const oneStop = (lap: number) => ({ stints: [{ start_lap: 0, compound: 'A4', tire_age: 2, refuel_kg: 0 }, { start_lap: lap, compound: 'A3', tire_age: 0, refuel_kg: 0 }] })
  const base = { fcy_phases: [], retirements: [], strategies: [{ driver: 'BOT', strategy: oneStop(16) }, { driver: 'HAM', strategy: oneStop(12) }] }
  const off = race(base)
  const on = race({ ...base, strategy_engineer: { drivers: ['BOT'], cover_gap_s: 5 } })
  t.equal(off.positions.HAM![10]! - off.positions.BOT![10]!, 1, 'HAM is right behind BOT at the end of lap 11')
  t.equal(stopsOf(off, 'BOT')[0]!.lap, 16)
  t.strictSame(stopsOf(on, 'BOT').map((p) => [p.lap, p.reason]), [[13, 'cover']], 'BOT pits at the end of lap 13, one lap after HAM')
  const far = race({ ...base, strategy_engineer: { drivers: ['BOT'], cover_gap_s: 0.1 } })
  t.equal(stopsOf(far, 'BOT')[0]!.lap, 16, 'a car further behind than the cover gap is no threat')
})

t.test('strategy_engineer is checked: unknown fields, bad figures, unknown drivers and single mode are refused', async (t) => {
  const err = (over: Record<string, unknown>, mode = 'race') => raceSimErrorOf(() => runSimulation({ track_id: 'shanghai', season: 2019, mode, driver: 'HAM', ...over }))
  t.match(err({ strategy_engineer: { window: 3 } }).message, /strategy_engineer: unknown field window/)
  t.match(err({ strategy_engineer: { yellow_window_laps: 31 } }).message, /yellow_window_laps must be a whole number from 0 to 30/)
  t.match(err({ strategy_engineer: { cover_gap_s: -1 } }).message, /cover_gap_s must be seconds from 0 to 10/)
  t.match(err({ strategy_engineer: { enabled: 'yes' } }).message, /enabled must be true or false/)
  t.equal(err({ strategy_engineer: { drivers: ['XYZ'] } }).code, 'UNKNOWN_DRIVER')
  t.match(err({ strategy_engineer: {} }, 'single').message, /needs race or monte_carlo mode/)
})

t.test('in Monte Carlo the engineer is on by default and reports the stops it brought forward; off, none are', async (t) => {
  const shanghai = getRace('shanghai', 2019)
  const on = runMonteCarlo(shanghai, { runs: 200, seed: 3 })
  const off = runMonteCarlo(shanghai, { runs: 200, seed: 3, engineer: null })
  const moved = (r: MonteCarloResult) => r.drivers.reduce((sum, d) => sum + d.reactive_stops!.yellow + d.reactive_stops!.cover, 0)
  t.ok(moved(on) > 1, `stops brought forward per run: ${moved(on)}`)
  t.equal(moved(off), 0)
  t.match(on.strategy_engineer, { drivers: null, yellow_window_laps: 15 })
  t.equal(off.strategy_engineer, null)
  const viaRequest = runSimulation({ track_id: 'shanghai', season: 2019, mode: 'monte_carlo', runs: 200, seed: 3, strategy_engineer: { enabled: false } }) as MonteCarloResult
  t.strictSame(viaRequest.drivers, off.drivers, '"enabled": false switches it off')
})
