import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import { MCS, raceNoise } from '../src/catalog/mcs.ts'
import { randomEvents } from '../src/monte-carlo/events.ts'
import { runMonteCarlo } from '../src/monte-carlo/monte-carlo.ts'
import { createMonteCarloPool, runMonteCarloInWorkers, simulateWithPool } from '../src/monte-carlo/workers.ts'
import { runRace } from '../src/race/engine.ts'
import { timeEvents } from '../src/race/fcy-timing.ts'
import { prepareRace } from '../src/race/prepare.ts'
import { createRunNoise, seedRunNoise } from '../src/race/noise.ts'
import { DEFAULT_STRATEGY_ENGINEER } from '../src/race/strategy-engineer.ts'
import { raceResult } from '../src/race/result.ts'
import { compileRace } from '../src/race/setup.ts'
import { createWorkspace } from '../src/race/workspace.ts'
import { createRng, fisk, weightedIndex } from '../src/random.ts'
import { runSimulation } from '../src/simulate.ts'
import { parseStrategy } from '../src/strategy.ts'
import { brokenRule } from './helper.ts'

const shanghai = getRace('shanghai', 2019)

t.test('the PRNG gives the same integer-arithmetic sequence on every machine', async (t) => {
  const rng = createRng(1)
  // xoshiro128** seeded by splitmix32 uses only 32-bit integer operations: these values are exact.
  const first = [rng.next(), rng.next(), rng.next()]
  const again = createRng(1)
  t.same([again.next(), again.next(), again.next()], first)
  t.not(createRng(2).next(), first[0])
  t.not(createRng(1, 1).next(), first[0], 'each run has its own stream')
  t.ok(first.every((x) => x >= 0 && x < 1))
})

t.test('the PRNG draws are distributed as intended', async (t) => {
  const rng = createRng(7)
  const draws = 20000
  let sum = 0
  let squares = 0
  for (let i = 0; i < draws; i++) {
    const g = rng.gauss()
    sum += g
    squares += g * g
  }
  t.ok(Math.abs(sum / draws) < 0.03, 'gauss mean 0')
  t.ok(Math.abs(squares / draws - 1) < 0.05, 'gauss variance 1')
  const counts = [0, 0, 0]
  for (let i = 0; i < draws; i++) counts[weightedIndex(rng, [0.2, 0.0, 0.8])]!++
  t.equal(counts[1], 0, 'a zero weight is never drawn')
  t.ok(Math.abs(counts[0]! / draws - 0.2) < 0.02)
  const fisks = Array.from({ length: 5000 }, () => fisk(rng, 1.563, -0.046, 0.48)).sort((a, b) => a - b)
  t.ok(Math.abs(fisks[2500]! - (-0.046 + 0.48)) < 0.03, 'Fisk median is loc + scale')
})

t.test('random events follow pars_mcs.ini: SC phases come with an accident, failures with some VSCs', async (t) => {
  const setup = compileRace(shanghai, shanghai.drivers.map((d) => d.strategy), raceNoise(shanghai))
  const rng = createRng(3)
  let sc = 0
  let vsc = 0
  let retirements = 0
  const races = 2000
  for (let i = 0; i < races; i++) {
    const events = randomEvents(setup, MCS.fcy, rng)
    sc += events.phases.filter((p) => p.type === 'SC').length
    vsc += events.phases.filter((p) => p.type === 'VSC').length
    retirements += events.retireProgress.filter((x) => x === x).length
    for (const p of events.phases) t.ok(p.start >= 0 && p.end <= shanghai.laps && p.start < p.end)
  }
  const expectedSc = MCS.fcy.scCountProbs.reduce((s, p, k) => s + p * k, 0)
  t.ok(Math.abs(sc / races - expectedSc) < 0.08, `SC phases per race ${sc / races} ~ ${expectedSc}`)
  t.ok(vsc > 0 && vsc < retirements, 'VSCs after some failures')
  t.ok(retirements >= sc)
})

t.test('the same seed gives the same Monte Carlo result, another seed another one', async (t) => {
  const a = runMonteCarlo(shanghai, { runs: 150, seed: 42 })
  const b = runMonteCarlo(shanghai, { runs: 150, seed: 42 })
  const c = runMonteCarlo(shanghai, { runs: 150, seed: 43 })
  t.same(a, b)
  t.notSame(a, c)
  t.equal(a.seed, 42)
  t.equal(a.runs, 150)
})

t.test('Monte Carlo shares are probabilities: positions sum to 1 per driver and wins to 1 over drivers', async (t) => {
  const result = runMonteCarlo(shanghai, { runs: 200, seed: 5 })
  t.equal(result.drivers.length, 20)
  for (const d of result.drivers) {
    const total = Object.values(d.positions).reduce((a, b) => a + b, 0)
    t.ok(Math.abs(total - 1) < 1e-9, `${d.driver} positions`)
    t.ok(d.podium >= d.win)
    if (d.race_time !== null) t.ok(d.race_time.p10 <= d.race_time.p50 && d.race_time.p50 <= d.race_time.p90)
  }
  t.ok(Math.abs(result.drivers.reduce((s, d) => s + d.win, 0) - 1) < 1e-9)
  t.equal(result.drivers[0]!.driver, 'BOT', 'sorted by win share; pole sitter BOT leads')
})

t.test('per lap, a study gives each driver his position fan over the runs he is still running in', async (t) => {
  const result = runMonteCarlo(shanghai, { runs: 200, seed: 5 })
  for (const d of result.drivers) {
    const fan = d.position_by_lap
    t.equal(fan.running.length, shanghai.laps, `${d.driver}: one entry per lap`)
    fan.running.forEach((running, i) => {
      if (i > 0 && running > fan.running[i - 1]! + 1e-12) t.fail(`${d.driver}: a car cannot come back (lap ${i + 1})`)
      const [p10, p50, p90, mean] = [fan.p10[i], fan.p50[i], fan.p90[i], fan.mean[i]]
      if (running === 0) t.ok(p10 === null && p50 === null && p90 === null && mean === null)
      else if (!(p10! <= p50! && p50! <= p90! && mean! >= 1 && mean! <= 20)) t.fail(`${d.driver} lap ${i + 1}: ${p10} ${p50} ${p90} ${mean}`)
    })
    // The last lap's share is the runs he finished the full distance in, at most the classified ones.
    t.ok(fan.running.at(-1)! <= 1 - d.dnf + 1e-12)
  }
  const bot = result.drivers.find((d) => d.driver === 'BOT')!.position_by_lap
  t.equal(bot.p50[0], 1, 'the pole sitter leads lap 1 in most runs')
})

t.test('Monte Carlo in worker threads equals the in-process result for the same seed', async (t) => {
  const inProcess = runMonteCarlo(shanghai, { runs: 250, seed: 9 })
  const inWorkers = await runMonteCarloInWorkers(shanghai, { runs: 250, seed: 9, workers: 2 })
  t.same(inWorkers, inProcess)
})

t.test('a pool runs requests of every mode, Monte Carlo ones on its workers, and several at once', async (t) => {
  const pool = createMonteCarloPool(2)
  t.teardown(() => pool.close())
  const request = { track_id: 'shanghai', season: 2019, mode: 'monte_carlo', runs: 120, seed: 4 }
  const [a, b] = await Promise.all([simulateWithPool(pool, request), simulateWithPool(pool, { ...request, seed: 5 })])
  t.same(a, runMonteCarlo(shanghai, { runs: 120, seed: 4 }))
  t.same(b, runMonteCarlo(shanghai, { runs: 120, seed: 5 }))
  t.match(await simulateWithPool(pool, { track_id: 'shanghai', season: 2019, mode: 'single', driver: 'HAM' }), { race_time: 5447.822 })
  await t.rejects(simulateWithPool(pool, { ...request, track_id: 'atlantis' }), { code: 'UNKNOWN_TRACK' })
})

t.test('a small study started behind a big one finishes first: the pool takes studies in turn', async (t) => {
  const pool = createMonteCarloPool(1)
  t.teardown(() => pool.close())
  const finished: string[] = []
  const big = pool.run(shanghai, { runs: 3_000, seed: 1 }).then(() => finished.push('big'))
  const small = pool.run(shanghai, { runs: 100, seed: 2 }).then(() => finished.push('small'))
  await Promise.all([big, small])
  t.same(finished, ['small', 'big'])
})

t.test('an aborted study rejects with the abort reason and the pool goes on with the next', async (t) => {
  const pool = createMonteCarloPool(1)
  t.teardown(() => pool.close())
  const controller = new AbortController()
  const reason = new Error('caller gone')
  const study = pool.run(shanghai, { runs: 100_000, seed: 3 }, controller.signal)
  setImmediate(() => controller.abort(reason))
  await t.rejects(study, reason)
  t.same(await pool.run(shanghai, { runs: 100, seed: 4 }), runMonteCarlo(shanghai, { runs: 100, seed: 4 }))
  await t.rejects(pool.run(shanghai, { runs: 10, seed: 1 }, AbortSignal.abort(reason)), reason, 'an already aborted signal runs nothing')
})

t.test('worker threads reject a bad strategy with the typed error', async (t) => {
  const stints = parseStrategy([[2, 'A4', 0, 0]])
  await t.rejects(runMonteCarloInWorkers(shanghai, { runs: 10, seed: 1, override: { driver: 'HAM', stints } }), { code: 'FIRST_STINT_NOT_AT_START' })
})

t.test('a monte_carlo request replaces the driver\'s strategy and reports runs and seed', async (t) => {
  const result = runSimulation({
    track_id: 'shanghai',
    season: 2019,
    mode: 'monte_carlo',
    driver: 'HAM',
    runs: 50,
    seed: 11,
    strategy: { stints: [{ start_lap: 0, compound: 'A6', tire_age: 2, refuel_kg: 0 }, { start_lap: 31, compound: 'A4', tire_age: 0, refuel_kg: 0 }] },
  })
  t.match(result, { runs: 50, seed: 11 })
})

t.test('random races with the strategy engineer keep every rule of a valid result (positions, lap sums, minimum gaps)', async (t) => {
  for (const [track, season] of [
    ['shanghai', 2019],
    ['montecarlo', 2018],
    ['silverstone', 2015],
  ] as const) {
    const race = getRace(track, season)
    const prepared = prepareRace(race, undefined, raceNoise(race), DEFAULT_STRATEGY_ENGINEER)
    const workspace = createWorkspace(prepared.setup)
    const noise = createRunNoise(prepared.setup.n)
    for (let run = 0; run < 40; run++) {
      const rng = createRng(99, run)
      const events = randomEvents(prepared.setup, MCS.fcy, rng)
      const timed = timeEvents(race, prepared.refDriver, prepared.refLaps, prepared.refStints, events.phases, events.retireProgress)
      seedRunNoise(noise, 99, run)
      runRace(prepared.setup, timed.phases, timed.retirements, workspace, noise)
      const broken = brokenRule(race, raceResult(prepared.setup, workspace, timed.phases))
      if (broken !== undefined) t.fail(`${track} ${season} run ${run}: ${broken}`)
    }
  }
  t.pass('120 random races checked')
})
