// One test per term of the lap-time model, each on a synthetic race where only that term is on.
import t from 'tap'
import { degradation, tyreCurve, tyreLoss } from '../src/model/tyres.ts'
import { simulateSingleCar } from '../src/simulate.ts'
import { BASE, driver, near, race, stints, team, track, tyres } from './helper.ts'

const laps = (r: ReturnType<typeof race>, code: string, strategy?: ReturnType<typeof stints>) => simulateSingleCar(r, code, strategy).lap_times

t.test('the base lap time is the qualifying time plus the race-pace gap', async (t) => {
  const r = race({ drivers: [driver('AAA')] })
  t.same(laps(r, 'AAA'), new Array(10).fill(BASE))
})

t.test('the car and the driver each add their time to every lap', async (t) => {
  const r = race({ drivers: [driver('AAA', { tDriver: 0.25 })] })
  r.teams.Alpha = team('Alpha', { tCar: 0.5 })
  t.same(laps(r, 'AAA'), new Array(10).fill(BASE + 0.75))
})

t.test('linear tyre degradation grows by k1 per lap of tyre age, from k0 on a new set', async (t) => {
  const r = race({ drivers: [driver('AAA', { tyres: tyres({}, { A3: { k0: 0.4, k1Lin: 0.1 } }) })] })
  const result = laps(r, 'AAA')
  result.forEach((lap, i) => t.ok(near(lap, BASE + 0.4 + 0.1 * i), `lap ${i + 1}`))
})

t.test('quadratic, cubic and logarithmic fits follow their published formulas', async (t) => {
  const quad = tyreCurve('quad', { k0: 0.1, k1Quad: 0.05, k2Quad: 0.002 })
  const cub = tyreCurve('cub', { k0: 0.1, k1Cub: 0.05, k2Cub: 0.002, k3Cub: 0.0001 })
  const ln = tyreCurve('ln', { k0: 0.1, k1Ln: 0.8, k2Ln: 0.3 })
  t.equal(tyreLoss(quad, 10), 0.1 + 0.5 + 0.2)
  t.ok(near(tyreLoss(cub, 10), 0.1 + 0.5 + 0.2 + 0.1, 1e-12))
  t.ok(near(tyreLoss(ln, 10), 0.1 + 0.8 * Math.log(4), 1e-12))
  t.equal(degradation(false, 1, 2, 0, 0, 3), 7)
  const r = race({ drivers: [driver('AAA', { tyres: tyres({ model: 'quad' }, { A3: { k0: 0, k1Quad: 0.05, k2Quad: 0.01 } }) })] })
  t.ok(near(laps(r, 'AAA')[4]!, BASE + 0.05 * 4 + 0.01 * 16), 'the lap loop uses the driver\'s model')
})

t.test('fuel costs mass x sensitivity, with the fuel on board at the start of the lap burned evenly', async (t) => {
  const r = race({ drivers: [driver('AAA')] })
  r.teams.Alpha = team('Alpha', { fuelStartKg: 20, fuelPerLapKg: 2 })
  const result = laps(r, 'AAA')
  result.forEach((lap, i) => t.ok(near(lap, BASE + (20 - 2 * i) * 0.03), `lap ${i + 1}`))
})

t.test('lap 1 adds the standing-start loss and the loss per grid position behind pole', async (t) => {
  const r = race({ track: track({ firstLapLoss: 2.5, gridLossPerPosition: 0.2 }), drivers: [driver('AAA', { grid: 4 })] })
  const result = laps(r, 'AAA')
  t.ok(near(result[0]!, BASE + 2.5 + 3 * 0.2))
  t.equal(result[1], BASE)
})

t.test('a stint\'s first lap carries the cold-tyre loss, at the start and after each stop', async (t) => {
  const r = race({ track: track({ pitInlap: 0, pitOutlap: 0, pitTyreChangeMin: 0 }), drivers: [driver('AAA', { tyres: tyres({ coldTyreLoss: 1 }) })] })
  r.teams.Alpha = team('Alpha', { pitTyreChangeExtra: 0 })
  const result = laps(r, 'AAA', stints([[0, 'A3', 0, 0], [4, 'A4', 0, 0]]))
  t.same(result, [BASE + 1, BASE, BASE, BASE, BASE + 1, BASE, BASE, BASE, BASE, BASE])
})

t.test('a used set starts its stint at its age', async (t) => {
  const r = race({ drivers: [driver('AAA', { tyres: tyres({}, { A4: { k0: 0, k1Lin: 0.1 } }) })] })
  r.track = track({ pitInlap: 0, pitOutlap: 0, pitTyreChangeMin: 0 })
  r.teams.Alpha = team('Alpha', { pitTyreChangeExtra: 0 })
  const result = laps(r, 'AAA', stints([[0, 'A3', 0, 0], [5, 'A4', 7, 0]]))
  t.ok(near(result[5]!, BASE + 0.7))
  t.ok(near(result[6]!, BASE + 0.8))
})

t.test('a stop costs the in-lap drive, then standstill (minimum + team extra) and out-lap drive with the pits after the line', async (t) => {
  const r = race({ drivers: [driver('AAA')] })
  const result = laps(r, 'AAA', stints([[0, 'A3', 0, 0], [4, 'A4', 0, 0]]))
  t.equal(result[3], BASE + 5, 'in-lap: t_pitdrive_inlap')
  t.equal(result[4], BASE + 2 + 0.5 + 15, 'out-lap: standstill + t_pitdrive_outlap')
})

t.test('with the pits before the line the standstill counts in the in-lap', async (t) => {
  const r = race({ track: track({ pitsAfterFinishLine: false }), drivers: [driver('AAA')] })
  const result = laps(r, 'AAA', stints([[0, 'A3', 0, 0], [4, 'A4', 0, 0]]))
  t.equal(result[3], BASE + 5 + 2.5)
  t.equal(result[4], BASE + 15)
})
