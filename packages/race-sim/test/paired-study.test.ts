// Paired comparison (strategy B against A on common random numbers) and sensitivity sweeps.
import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import { MCS } from '../src/catalog/mcs.ts'
import type { MonteCarloResult, RaceResult } from '../src/contract.ts'
import { runMonteCarloInWorkers } from '../src/monte-carlo/workers.ts'
import { points } from '../src/monte-carlo/variants.ts'
import { withDegradation, withPitLoss, withScProbability } from '../src/sensitivity.ts'
import { runSimulation } from '../src/simulate.ts'
import { raceSimErrorOf } from './helper.ts'

const stint = (start_lap: number, compound: string, tire_age = 0) => ({ start_lap, compound, tire_age, refuel_kg: 0 })
const oneStop = (lap: number) => ({ stints: [stint(0, 'A4', 2), stint(lap, 'A3')] })
const twoStop = { stints: [stint(0, 'A4', 2), stint(21, 'A3'), stint(36, 'A4')] }
const study = (over: Record<string, unknown>) =>
  runSimulation({ track_id: 'shanghai', season: 2019, mode: 'monte_carlo', driver: 'BOT', strategy: twoStop, runs: 300, seed: 5, ...over }) as MonteCarloResult

t.test('a strategy compared with itself differs in no run: the same events and noise streams for both', async (t) => {
  const c = study({ compare_strategy: twoStop }).comparison!
  t.equal(c.race_time_delta!.mean, 0)
  t.strictSame(c.race_time_delta!.ci95, [0, 0])
  t.strictSame(c.position_gain, [{ gain: 0, share: 1 }])
  t.strictSame(c.delta, { win: 0, podium: 0, points: 0, mean_position: 0 })
  t.strictSame(c.a, c.b)
})

t.test('a paired comparison measures the difference far more tightly than the races spread', async (t) => {
  const result = study({ compare_strategy: oneStop(20), strategy_engineer: { enabled: false } })
  const c = result.comparison!
  const d = c.race_time_delta!
  t.equal(c.driver, 'BOT')
  t.strictSame(c.strategy_b, oneStop(20))
  t.ok(d.runs > 250, `both finished in ${d.runs} of 300 runs`)
  t.ok(d.ci95[0]! <= d.mean && d.mean <= d.ci95[1]!)
  const bot = result.drivers.find((x) => x.driver === 'BOT')!
  const spread = bot.race_time!.p90 - bot.race_time!.p10
  const pairedSpread = d.p90 - d.p10
  t.ok(pairedSpread < spread / 3, `B - A spreads ${pairedSpread.toFixed(2)} s (p10-p90), the races ${spread.toFixed(2)} s`)
  const gains = c.position_gain.reduce((sum, g) => sum + g.share, 0)
  t.ok(Math.abs(gains - 1) < 1e-9, 'position gains are shares of the runs')
  t.ok(Math.abs(c.delta.win - (c.b.win - c.a.win)) < 1e-9)
  t.ok(c.position_gain.every((g, i) => i === 0 || g.gain > c.position_gain[i - 1]!.gain), 'gains in order')
})

t.test('the 2019 points: 25 to 1 for the first ten, one more for the fastest lap in the ten, none for a retirement', async (t) => {
  t.equal(points(1, false, false), 25)
  t.equal(points(1, false, true), 26)
  t.equal(points(10, false, true), 2)
  t.equal(points(11, false, true), 0)
  t.equal(points(3, true, false), 0)
})

t.test('a paired study runs the same in worker threads as in this thread', async (t) => {
  const race = getRace('shanghai', 2019)
  const options = {
    runs: 250,
    seed: 9,
    override: { driver: 'BOT', stints: [{ startLap: 0, compound: 'A4', tyreAge: 2, refuelKg: 0 }, { startLap: 22, compound: 'A3', tyreAge: 0, refuelKg: 0 }] },
  }
  const direct = study({ strategy: oneStop(22), compare_strategy: oneStop(18), runs: 250, seed: 9 })
  const pooled = await runMonteCarloInWorkers(race, {
    ...options,
    workers: 2,
    variants: { driver: 'BOT', list: [{ label: { kind: 'strategy' }, race, override: { driver: 'BOT', stints: [{ startLap: 0, compound: 'A4', tyreAge: 2, refuelKg: 0 }, { startLap: 18, compound: 'A3', tyreAge: 0, refuelKg: 0 }] }, fcy: MCS.fcy }] },
  })
  t.strictSame(pooled.comparison, direct.comparison)
})

t.test('sensitivity: a longer pit lane and more wear slow a driver with stops, in race mode and in Monte Carlo', async (t) => {
  const race = runSimulation({ track_id: 'shanghai', season: 2019, mode: 'race', driver: 'BOT', strategy: twoStop, sensitivity: { pit_loss_pct: [-20, 20], tyre_degradation_pct: [50] } }) as RaceResult
  const s = race.sensitivity!
  t.equal(s.driver, 'BOT')
  t.strictSame(s.pit_loss!.map((p) => p.pct), [-20, 20])
  t.ok(s.pit_loss![0]!.delta_time! < 0 && s.pit_loss![1]!.delta_time! > 0, 'less pit loss is faster, more is slower')
  t.ok(Math.abs(s.pit_loss![1]!.delta_time! - 2 * 0.2 * (0.377 + 16.9)) < 2, 'two stops, each 20 % of the 17.3 s lane loss slower (within traffic)')
  t.ok(s.tyre_degradation![0]!.delta_time! > 0)
  const mc = study({ sensitivity: { sc_probability_pct: [-100, 100], pit_loss_pct: [50] } }).sensitivity!
  t.strictSame(Object.keys(mc).sort(), ['base', 'driver', 'pit_loss', 'sc_probability'])
  t.ok(mc.pit_loss![0]!.outcome.race_time_p50! > mc.base.race_time_p50!, 'a longer lane, a slower median race')
  t.equal(mc.sc_probability!.length, 2)
})

t.test('the swept figures change what they name and nothing else', async (t) => {
  const race = getRace('shanghai', 2019)
  const lane = withPitLoss(race, 10)
  const extra = 0.1 * (race.track.pitInlap + race.track.pitOutlap)
  t.ok(Math.abs(lane.track.pitOutlap - race.track.pitOutlap - extra) < 1e-9)
  t.ok(Math.abs(lane.track.pitOutlapSc - race.track.pitOutlapSc - extra) < 1e-9, 'the same seconds under yellows')
  t.equal(lane.track.pitInlap, race.track.pitInlap)
  const worn = withDegradation(race, 50)
  const before = race.drivers[0]!.tyres.compounds.A3!
  const after = worn.drivers[0]!.tyres.compounds.A3!
  t.equal(after.k0, before.k0, "a compound's offset stays")
  t.equal(race.drivers[0]!.tyres.compounds.A3, before, 'the catalog race is not changed')
  const none = MCS.fcy.scCountProbs[0]!
  const more = withScProbability(MCS.fcy, 30)
  t.ok(Math.abs(1 - more.scCountProbs[0]! - 1.3 * (1 - none)) < 1e-9, 'P(at least one SC) 30 % higher')
  t.ok(Math.abs(more.scCountProbs.reduce((a, b) => a + b, 0) - 1) < 1e-9)
  t.equal(withScProbability(MCS.fcy, 200).scCountProbs[0], 0, 'capped at certainty')
  t.equal(withScProbability(MCS.fcy, -100).scCountProbs[0], 1, '-100 % means no SC')
})

t.test('paired and sensitivity requests are checked: each names what is wrong', async (t) => {
  const err = (over: Record<string, unknown>, mode = 'monte_carlo') =>
    raceSimErrorOf(() => runSimulation({ track_id: 'shanghai', season: 2019, mode, driver: 'BOT', strategy: twoStop, ...over }))
  t.match(err({ compare_strategy: twoStop }, 'race').message, /compare_strategy needs monte_carlo mode/)
  t.equal(err({ compare_strategy: { stints: [stint(2, 'A4')] } }).code, 'FIRST_STINT_NOT_AT_START')
  t.match(err({ sensitivity: { pit_loss_pct: [] } }).message, /pit_loss_pct must be a list of 1 to 9 percentages/)
  t.match(err({ sensitivity: { pit_loss_pct: [500] } }).message, /pit_loss_pct\[0\] must be a percentage from -100 to 200/)
  t.match(err({ sensitivity: { pit_loss_pct: [10, 10] } }).message, /lists a percentage twice/)
  t.match(err({ sensitivity: { sc_probability_pct: [10] } }, 'race').message, /needs monte_carlo mode/)
  t.match(err({ sensitivity: { pit_lane: [10] } }).message, /sensitivity: unknown field pit_lane/)
  t.match(err({ sensitivity: {} }).message, /must sweep at least one/)
  t.match(err({ sensitivity: { pit_loss_pct: [10] }, compare_strategy: twoStop }).message, /separate studies/)
  t.match(raceSimErrorOf(() => runSimulation({ track_id: 'shanghai', season: 2019, mode: 'race', sensitivity: { pit_loss_pct: [10] } })).message, /needs the driver/)
})
