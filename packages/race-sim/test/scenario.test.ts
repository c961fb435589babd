// A request's own scenario (src/scenario.ts): other drivers' strategies, its own yellows and retirements.
import t from 'tap'
import type { RaceResult } from '../src/contract.ts'
import { RaceSimError } from '../src/errors.ts'
import { runSimulation } from '../src/simulate.ts'
import { raceSimErrorOf } from './helper.ts'

const stint = (start_lap: number, compound: string, tire_age = 0) => ({ start_lap, compound, tire_age, refuel_kg: 0 })
const race = (over: Record<string, unknown> = {}) => runSimulation({ track_id: 'shanghai', season: 2019, mode: 'race', ...over }) as RaceResult

const errorOf = (over: Record<string, unknown>): RaceSimError => raceSimErrorOf(() => race(over))

t.test('an unknown request field is refused, naming it, rather than ignored', async (t) => {
  const err = errorOf({ fcy_phase: [] })
  t.equal(err.code, 'INVALID_REQUEST')
  t.match(err.message, /unknown field fcy_phase/)
  t.match(errorOf({ fcy_phases: [{ type: 'SC', start_lap: 3, end_lap: 6, flag: 'red' }] }).message, /fcy_phases\[0\]: unknown field flag/)
})

t.test('fcy_phases [] switches the recorded yellows off', async (t) => {
  t.equal(race().fcy_phases.length, 1, 'Shanghai 2019 had a VSC')
  t.same(race({ fcy_phases: [] }).fcy_phases, [])
})

t.test("a request's safety car replaces the recorded yellows and slows the leader's laps under it", async (t) => {
  const green = race({ fcy_phases: [] })
  const sc = race({ fcy_phases: [{ type: 'SC', start_lap: 20.5, end_lap: 24 }] })
  t.equal(sc.fcy_phases.length, 1)
  t.equal(sc.fcy_phases[0]!.type, 'SC')
  const leader = sc.classification[0]!.driver
  t.ok(sc.lap_times[leader]![22]! > green.lap_times[leader]![22]! + 20, 'lap 23 is run behind the SC')
})

t.test('retirements [] lets every car finish; a retirement of the request stops that car', async (t) => {
  t.ok(race().classification.some((c) => c.status === 'retired'), 'Shanghai 2019 had retirements')
  t.notOk(race({ retirements: [] }).classification.some((c) => c.status === 'retired'))
  const out = race({ retirements: [{ driver: 'HAM', lap: 10.5 }] })
  const ham = out.classification.find((c) => c.driver === 'HAM')!
  t.equal(ham.status, 'retired')
  t.equal(ham.laps, 10)
})

t.test("another driver's strategy replaces his recorded one", async (t) => {
  const out = race({ strategies: [{ driver: 'VET', strategy: { stints: [stint(0, 'A4', 2), stint(30, 'A3')] } }] })
  t.same(
    out.pit_stops.filter((p) => p.driver === 'VET').map((p) => [p.lap, p.compound]),
    [[30, 'A3']],
  )
})

t.test('a scenario that cannot be run is refused with the reason', async (t) => {
  t.match(errorOf({ fcy_phases: [{ type: 'SC', start_lap: 10, end_lap: 60 }] }).message, /end_lap <= 56/)
  t.match(errorOf({ fcy_phases: [{ type: 'SC', start_lap: 12, end_lap: 10 }] }).message, /start_lap < end_lap/)
  t.match(errorOf({ fcy_phases: [{ type: 'RED', start_lap: 1, end_lap: 2 }] }).message, /"SC" or "VSC"/)
  t.match(
    errorOf({ fcy_phases: [{ type: 'SC', start_lap: 10, end_lap: 14 }, { type: 'VSC', start_lap: 13, end_lap: 15 }] }).message,
    /before fcy_phases\[0\] ends/,
  )
  t.equal(errorOf({ retirements: [{ driver: 'XXX', lap: 3 }] }).code, 'UNKNOWN_DRIVER')
  t.match(errorOf({ retirements: [{ driver: 'HAM', lap: 3 }, { driver: 'HAM', lap: 5 }] }).message, /HAM retires twice/)
  t.match(errorOf({ strategies: [{ driver: 'VET', strategy: { stints: [stint(0, 'A4'), stint(60, 'A3')] } }] }).message, /56 laps/)
  t.match(
    errorOf({ driver: 'HAM', strategy: { stints: [stint(0, 'A4', 2), stint(20, 'A3')] }, strategies: [{ driver: 'HAM', strategy: { stints: [stint(0, 'A3')] } }] })
      .message,
    /HAM is the driver simulated/,
  )
  const mc = raceSimErrorOf(() => runSimulation({ track_id: 'shanghai', season: 2019, mode: 'monte_carlo', runs: 2, fcy_phases: [] }))
  t.match(mc.message, /a Monte Carlo study draws its own yellows and retirements/)
  const single = raceSimErrorOf(() => runSimulation({ track_id: 'shanghai', season: 2019, mode: 'single', driver: 'HAM', retirements: [] }))
  t.match(single.message, /a single car runs alone on a free track/)
})

t.test('recorded yellows of the request closer than the minimum gap run with the warning a recorded race gets', async (t) => {
  const out = race({ fcy_phases: [{ type: 'VSC', start_lap: 10, end_lap: 11 }, { type: 'SC', start_lap: 11.5, end_lap: 15 }] })
  t.same(out.warnings.map((w) => w.code), ['FCY_PHASES_TOO_CLOSE'])
})

t.test('a Monte Carlo study runs the other drivers on the strategies given', async (t) => {
  const given = runSimulation({
    track_id: 'shanghai', season: 2019, mode: 'monte_carlo', runs: 20, seed: 3,
    strategies: [{ driver: 'BOT', strategy: { stints: [stint(0, 'A4', 2), stint(5, 'A3'), stint(10, 'A4'), stint(15, 'A3')] } }],
  }) as { drivers: { driver: string; win: number }[] }
  const recorded = runSimulation({ track_id: 'shanghai', season: 2019, mode: 'monte_carlo', runs: 20, seed: 3 }) as typeof given
  const bot = (r: typeof given) => r.drivers.find((d) => d.driver === 'BOT')!.win
  t.ok(bot(given) < bot(recorded), 'three early stops cost BOT wins')
})
