import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import type { Stint } from '../src/catalog/types.ts'
import { optimizeStrategy, runOptimization } from '../src/optimizer.ts'
import type { RaceResult } from '../src/contract.ts'
import { runSimulation, simulateSingleCar } from '../src/simulate.ts'
import { parseStrategy } from '../src/strategy.ts'

const shanghai = getRace('shanghai', 2019)
const result = optimizeStrategy(shanghai, 'HAM')

t.test('the optimizer returns the fastest 1-, 2- and 3-stop strategies with their single-car race times', async (t) => {
  t.same(
    result.strategies.map((s) => s.stops),
    [1, 2, 3],
  )
  for (const s of result.strategies) {
    t.equal(s.strategy.stints.length, s.stops + 1)
    t.equal(s.strategy.stints[0]!.start_lap, 0)
    t.equal(simulateSingleCar(shanghai, 'HAM', parseStrategy(s.strategy)).race_time, s.race_time)
  }
})

t.test('every optimized strategy uses two different dry compounds at least', async (t) => {
  for (const s of result.strategies) {
    const compounds = new Set(s.strategy.stints.map((x) => x.compound))
    t.ok(compounds.size >= 2)
    for (const c of compounds) t.ok(shanghai.dryCompounds.includes(c))
  }
})

t.test('the fastest 2-stop for HAM at Shanghai 2019 is the reference simulator\'s base strategy', async (t) => {
  const twoStop = result.strategies.find((s) => s.stops === 2)!
  t.equal(twoStop.race_time, 5447.053)
  t.same(
    twoStop.strategy.stints.map((s) => [s.start_lap, s.compound]),
    [
      [0, 'A4'],
      [19, 'A3'],
      [35, 'A4'],
    ],
  )
})

t.test('no 1-stop strategy is faster than the optimizer\'s (exhaustive check)', async (t) => {
  const compounds = shanghai.dryCompounds
  let best = Infinity
  for (const first of compounds) {
    for (const second of compounds) {
      if (first === second) continue
      for (let inlap = 1; inlap < shanghai.laps; inlap++) {
        const stints: Stint[] = [
          { startLap: 0, compound: first, tyreAge: 2, refuelKg: 0 },
          { startLap: inlap, compound: second, tyreAge: 0, refuelKg: 0 },
        ]
        best = Math.min(best, simulateSingleCar(shanghai, 'HAM', stints).race_time)
      }
    }
  }
  t.equal(result.strategies[0]!.race_time, best)
})

t.test('a forced start compound is kept', async (t) => {
  const forced = optimizeStrategy(shanghai, 'HAM', { startCompound: 'A3', stops: [1] })
  t.equal(forced.strategies[0]!.strategy.stints[0]!.compound, 'A3')
})

t.test('a wet race without two fitted dry compounds cannot be optimized', async (t) => {
  t.throws(() => optimizeStrategy(getRace('saopaulo', 2016), 'HAM'), { code: 'TOO_FEW_DRY_COMPOUNDS' })
})

t.test('an optimize request resolves track names and driver codes', async (t) => {
  t.match(await runOptimization({ track_id: 'China', season: 2019, driver: 'ham' }), result)
  await t.rejects(runOptimization({ track_id: 'shanghai', season: 2019 }), { code: 'INVALID_REQUEST' })
})

t.test('the optimizer lists the top strategies per stop count, the best of each first', async (t) => {
  const many = optimizeStrategy(shanghai, 'HAM', { top: 4 })
  for (const stops of [1, 2, 3]) {
    const ofCount = many.alternatives.filter((s) => s.stops === stops)
    t.ok(ofCount.length >= 2 && ofCount.length <= 4, `${stops} stop(s): up to 4`)
    t.same(ofCount[0], many.strategies.find((s) => s.stops === stops), 'the best is the strategy of that count')
    for (let i = 1; i < ofCount.length; i++) t.ok(ofCount[i - 1]!.race_time <= ofCount[i]!.race_time, 'fastest first')
    const compoundSets = ofCount.map((s) => s.strategy.stints.map((x) => x.compound).join('-'))
    t.equal(new Set(compoundSets).size, compoundSets.length, 'each a different choice of compounds')
  }
  t.equal(result.alternatives.filter((s) => s.stops === 1).length <= 3, true, 'three by default')
})

t.test('the one-stop curve gives the race time for every pit lap, its minimum the best one-stop', async (t) => {
  const curve = result.pit_lap_curve
  t.same(
    curve.map((p) => p.pit_lap),
    Array.from({ length: shanghai.laps - 1 }, (_, i) => i + 1),
  )
  const fastest = curve.reduce((a, b) => (b.race_time < a.race_time ? b : a))
  t.equal(fastest.race_time, result.strategies.find((s) => s.stops === 1)!.race_time)
  for (const point of curve) {
    t.not(point.compounds[0], point.compounds[1], 'two different compounds')
    const stints = parseStrategy([[0, point.compounds[0], 2, 0], [point.pit_lap, point.compounds[1], 0, 0]])
    if (simulateSingleCar(shanghai, 'HAM', stints).race_time !== point.race_time) t.fail(`pit lap ${point.pit_lap}`)
  }
  t.ok(curve[0]!.race_time > fastest.race_time + 10 && curve.at(-1)!.race_time > fastest.race_time + 10, 'a window, not a slope')
})

t.test('an optimize request with an unknown field or a bad top is refused, naming it', async (t) => {
  const body = { track_id: 'shanghai', season: 2019, driver: 'HAM' }
  await t.rejects(runOptimization({ ...body, stops: 2 }), { code: 'INVALID_REQUEST', message: /unknown field stops/ })
  await t.rejects(runOptimization({ ...body, top: 11 }), { code: 'INVALID_REQUEST', message: /top must be a whole number from 1 to 10/ })
  await t.rejects(runOptimization({ ...body, evaluate_runs: 10_001 }), { code: 'INVALID_REQUEST', message: /evaluate_runs must be a whole number from 0 to 10000/ })
  await t.rejects(runOptimization({ ...body, fcy_phases: [{ type: 'SC', start_lap: 5, end_lap: 3 }] }), { code: 'INVALID_REQUEST', message: /fcy_phases\[0\]/ })
  t.equal((await runOptimization({ ...body, top: 1 })).alternatives.length, 3, 'one per stop count')
})

t.test('every alternative is re-evaluated in the full race, best place first, with the yellows the request gives', async (t) => {
  const body = { track_id: 'shanghai', season: 2019, driver: 'HAM' }
  const out = await runOptimization(body)
  t.equal(out.in_race.length, out.alternatives.length)
  t.ok(out.in_race.every((c, i) => i === 0 || c.position >= out.in_race[i - 1]!.position), 'by place')
  const fastest = out.alternatives.find((a) => a.strategy === out.strategies[0]!.strategy)!
  const raced = out.in_race.find((c) => JSON.stringify(c.strategy) === JSON.stringify(fastest.strategy))!
  const direct = runSimulation({ ...body, mode: 'race', strategy: fastest.strategy }) as RaceResult
  const ham = direct.classification.find((c) => c.driver === 'HAM')!
  t.strictSame([raced.position, raced.race_time, raced.free_track_time], [ham.position, ham.race_time, fastest.race_time], 'as a race request with that strategy')
  const yellow = await runOptimization({ ...body, fcy_phases: [{ type: 'SC', start_lap: 15.5, end_lap: 19 }] })
  t.strictSame(yellow.alternatives, out.alternatives, 'the free-track search does not see yellows')
  t.notSame(yellow.in_race.map((c) => c.race_time), out.in_race.map((c) => c.race_time), 'the race does')
})

t.test('with evaluate_runs each stop count\'s fastest is re-evaluated in Monte Carlo on the same random races', async (t) => {
  const out = await runOptimization({ track_id: 'shanghai', season: 2019, driver: 'HAM', evaluate_runs: 200, seed: 4 })
  const mc = out.in_monte_carlo!
  t.match(mc, { runs: 200, seed: 4 })
  t.strictSame(mc.candidates.map((c) => c.stops).sort(), [1, 2, 3])
  t.ok(mc.candidates.every((c, i) => i === 0 || c.points <= mc.candidates[i - 1]!.points), 'most points first')
  t.ok(mc.candidates.every((c) => c.win >= 0 && c.win <= 1 && c.mean_position >= 1))
  t.equal((await runOptimization({ track_id: 'shanghai', season: 2019, driver: 'HAM' })).in_monte_carlo, undefined, 'none unless asked')
})
