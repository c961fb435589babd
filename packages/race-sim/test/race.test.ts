// Full races on the real parameter files: the contract's output and the rules every race must keep.
import t from 'tap'
import { getRace, listTracks } from '../src/catalog/catalog.ts'
import { simulateRace } from '../src/simulate.ts'
import { parseStrategy } from '../src/strategy.ts'
import { brokenRule } from './helper.ts'

t.test('a full race of Shanghai 2019 classifies every driver with laps, race time and gap', async (t) => {
  const race = getRace('shanghai', 2019)
  const result = simulateRace(race)
  t.equal(result.classification.length, 20)
  t.equal(brokenRule(race, result), undefined)
  t.same(Object.keys(result.lap_times).sort(), race.drivers.map((d) => d.code).sort())
  t.same(Object.keys(result.positions).sort(), race.drivers.map((d) => d.code).sort())
})

t.test('the recorded retirements of Shanghai 2019 stop HUL, KVY and NOR and rank them last', async (t) => {
  const result = simulateRace(getRace('shanghai', 2019))
  const retired = result.classification.filter((c) => c.status === 'retired')
  t.same(retired.map((c) => c.driver), ['NOR', 'KVY', 'HUL'])
  t.same(retired.map((c) => c.position), [18, 19, 20])
  t.equal(retired[2]!.laps, 16)
})

t.test('the recorded VSC of Shanghai 2019 slows the leader\'s first two laps', async (t) => {
  const result = simulateRace(getRace('shanghai', 2019))
  t.equal(result.fcy_phases.length, 1)
  t.equal(result.fcy_phases[0]!.type, 'VSC')
  const leader = result.classification[0]!.driver
  t.ok(result.lap_times[leader]![1]! > 105, 'lap 2 under the VSC')
  t.ok(result.lap_times[leader]![3]! < 100, 'lap 4 green')
})

t.test('pit stops list every stop made, with the team\'s standing time', async (t) => {
  const race = getRace('shanghai', 2019)
  const result = simulateRace(race)
  const ham = result.pit_stops.filter((s) => s.driver === 'HAM')
  t.same(
    ham.map((s) => [s.lap, s.compound, s.tire_age, s.standstill]),
    [
      [22, 'A3', 0, 2.334],
      [36, 'A4', 0, 2.334],
    ],
  )
  const made = race.drivers.flatMap((d) => d.strategy.slice(1).map((s) => `${d.code}/${s.startLap}`))
  for (const stop of result.pit_stops) t.ok(made.includes(`${stop.driver}/${stop.lap}`))
})

t.test('a request\'s strategy replaces that driver\'s and the others keep the file\'s', async (t) => {
  const race = getRace('shanghai', 2019)
  const stints = parseStrategy([
    [0, 'A4', 2, 0],
    [30, 'A3', 0, 0],
  ])
  const result = simulateRace(race, { driver: 'HAM', stints })
  t.same(
    result.pit_stops.filter((s) => s.driver === 'HAM').map((s) => s.lap),
    [30],
  )
  t.same(
    result.pit_stops.filter((s) => s.driver === 'VET').map((s) => s.lap),
    [18, 35],
  )
})

t.test('the same race simulated twice gives the same result', async (t) => {
  const race = getRace('monza', 2019)
  t.same(simulateRace(race), simulateRace(race))
})

t.test('every race of the catalog (2014-2019) runs and keeps every rule', async (t) => {
  let count = 0
  for (const track of listTracks()) {
    for (const season of track.seasons) {
      const race = getRace(track.id, season)
      const broken = brokenRule(race, simulateRace(race))
      if (broken !== undefined) t.fail(`${track.id} ${season}: ${broken}`)
      count++
    }
  }
  t.equal(count, 121)
})
