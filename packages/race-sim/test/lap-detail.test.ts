// The chart data of a race (lap_detail): what made every lap time, lap by lap and car by car.
import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import { simulateRace } from '../src/simulate.ts'

const PARTS = ['base', 'tyres', 'fuel', 'drs', 'pit', 'traffic_yellow'] as const

t.test('every lap time is the sum of its breakdown, for every car of every race of a season', async (t) => {
  for (const track of ['shanghai', 'yasmarina', 'silverstone', 'suzuka', 'baku', 'montecarlo']) {
    const result = simulateRace(getRace(track, 2019))
    for (const [driver, laps] of Object.entries(result.lap_times)) {
      const detail = result.lap_detail[driver]!
      t.equal(detail.base.length, laps.length, `${track} ${driver}: one entry per lap completed`)
      laps.forEach((lap, i) => {
        const sum = PARTS.reduce((total, part) => total + detail[part][i]!, 0)
        if (Math.abs(sum - lap) > 0.004) t.fail(`${track} ${driver} lap ${i + 1}: ${sum} != ${lap}`)
      })
    }
  }
})

t.test('the breakdown shows the stops, the compounds, the fuel burning off and the gap to the leader', async (t) => {
  const result = simulateRace(getRace('shanghai', 2019))
  const ham = result.lap_detail.HAM!
  const stops = result.pit_stops.filter((p) => p.driver === 'HAM')
  for (const stop of stops) {
    t.ok(ham.pit[stop.lap - 1]! > 0, `in-lap ${stop.lap} carries pit time`)
    t.ok(ham.pit[stop.lap]! > 15, `out-lap ${stop.lap + 1} carries the pit lane`)
    t.equal(ham.compound[stop.lap], stop.compound, 'the new compound from the out-lap on')
    t.equal(ham.tyre_age[stop.lap], stop.tire_age)
  }
  t.equal(ham.pit.filter((p) => p > 0).length, 2 * stops.length, 'no pit time elsewhere')
  for (let i = 1; i < ham.fuel_kg.length; i++) t.ok(ham.fuel_kg[i]! < ham.fuel_kg[i - 1]!, 'fuel burns every lap')
  const winner = result.classification[0]!.driver
  t.ok(result.lap_detail[winner]!.gap_to_leader.at(-1) === 0, 'the winner is his own leader at the flag')
  const second = result.classification[1]!
  t.equal(result.lap_detail[second.driver]!.gap_to_leader.at(-1), second.gap)
  t.ok(Object.values(result.lap_detail).some((d) => d.drs.some((x) => x < 0)), 'DRS gains are negative')
  t.notOk(Object.values(result.lap_detail).some((d) => d.drs.some((x) => x > 0)))
})

t.test("a car's flag marks the laps of its yellows: the request's SC in laps 21-24", async (t) => {
  const race = { ...getRace('shanghai', 2019) }
  race.events = { fcyPhases: [{ type: 'SC', start: 20.5, end: 24 }], retirements: [] }
  const result = simulateRace(race)
  const flags = result.lap_detail[result.classification[0]!.driver]!.flag
  t.same(flags.slice(19, 25), ['green', 'SC', 'SC', 'SC', 'SC', 'green'])
  t.ok(flags.filter((f) => f !== 'green').length === 4)
})
