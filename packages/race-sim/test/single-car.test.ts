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

const aloneAt = (autoFuelAdjust: boolean) => {
  const teams = Object.fromEntries(Object.entries(shanghai.teams).map(([id, team]) => [id, { ...team, autoFuelAdjust }]))
  const drivers = shanghai.drivers.filter((d) => d.code === 'HAM')
  return simulateRace({ ...shanghai, teams, drivers, events: { fcyPhases: [], retirements: [] } })
}

t.test('the race engine with the driver alone, no events and the file consumption gives the single-car lap times', async (t) => {
  const race = aloneAt(false)
  const single = simulateSingleCar(shanghai, 'HAM')
  t.same(race.lap_times.HAM, single.lap_times)
  t.equal(race.classification[0]!.race_time, single.race_time)
})

t.test('with automatic consumption adjustment a car burns what it carries: 110 kg over 56 laps is 1.9643 kg a lap, 13 ms quicker than 1.964', async (t) => {
  const adjusted = aloneAt(true)
  const even = simulateSingleCar(shanghai, 'HAM')
  t.equal(shanghai.teams.Mercedes!.fuelPerLapKg, 1.964)
  t.equal(Math.round((even.race_time - adjusted.classification[0]!.race_time) * 1000), 13)
  adjusted.lap_times.HAM!.forEach((lap, i) => t.ok(lap <= even.lap_times[i]!, `lap ${i + 1} is no slower`))
})

t.test('race time is the sum of the lap times', async (t) => {
  const result = simulateSingleCar(shanghai, 'VET')
  const total = result.lap_times.reduce((a, b) => a + b, 0)
  t.ok(Math.abs(total - result.race_time) < 0.001 * result.lap_times.length)
})
