import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import { simulateRace, simulateSingleCar } from '../src/simulate.ts'
import { parseStrategy } from '../src/strategy.ts'

// The test vector of the reference implementation (issue 5): Shanghai 2019, HAM.
const shanghai = getRace('shanghai', 2019)
const realStrategy = parseStrategy([
  [0, 'A4', 2, 0],
  [22, 'A3', 0, 0],
  [36, 'A4', 0, 0],
])
const alternative = parseStrategy([
  [0, 'A4', 2, 0],
  [19, 'A3', 0, 0],
  [35, 'A4', 0, 0],
])

t.test('single-car mode reproduces the reference lap times of HAM at Shanghai 2019, laps 1 to 5', async (t) => {
  const result = simulateSingleCar(shanghai, 'HAM', realStrategy)
  t.same(result.lap_times.slice(0, 5), [100.657, 97.315, 97.35, 97.386, 97.421])
  t.equal(result.lap_times.length, 56)
})

t.test('single-car mode reproduces the reference race time of HAM at Shanghai 2019', async (t) => {
  t.equal(simulateSingleCar(shanghai, 'HAM', realStrategy).race_time, 5447.822)
})

t.test('single-car mode reproduces the reference race time of the alternative strategy', async (t) => {
  t.equal(simulateSingleCar(shanghai, 'HAM', alternative).race_time, 5447.053)
})

t.test('without a strategy the driver runs the one from the parameter file', async (t) => {
  t.same(simulateSingleCar(shanghai, 'HAM'), simulateSingleCar(shanghai, 'HAM', realStrategy))
})

t.test('the race engine with the driver alone and no events gives the single-car lap times', async (t) => {
  const alone = { ...shanghai, drivers: shanghai.drivers.filter((d) => d.code === 'HAM'), events: { fcyPhases: [], retirements: [] } }
  const race = simulateRace(alone)
  const single = simulateSingleCar(shanghai, 'HAM')
  t.same(race.lap_times.HAM, single.lap_times)
  t.equal(race.classification[0]!.race_time, single.race_time)
})

t.test('race time is the sum of the lap times', async (t) => {
  const result = simulateSingleCar(shanghai, 'VET')
  const total = result.lap_times.reduce((a, b) => a + b, 0)
  t.ok(Math.abs(total - result.race_time) < 0.001 * result.lap_times.length)
})
