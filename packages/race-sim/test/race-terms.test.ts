// One test per race term (cars meeting each other, yellows, retirements), on synthetic races.
import t from 'tap'
import type { RaceParams } from '../src/catalog/types.ts'
import { simulateRace, simulateSingleCar } from '../src/simulate.ts'
import { prepareRace, recordedEvents } from '../src/race/prepare.ts'
import { BASE, driver, near, race, rules, stints, track, tyres } from './helper.ts'

/** Race time of a driver at the end of a lap, from the result's lap times. */
const raceTimeAt = (lapTimes: number[], lap: number) => lapTimes.slice(0, lap).reduce((a, b) => a + b, 0)

t.test('DRS: a car within the window of the car ahead gains t_drseffect, from the allowed lap on', async (t) => {
  const build = (drs: RaceParams['rules']['drs']) =>
    race({
      track: track({ gridLossPerPosition: 0.2 }),
      rules: rules({ drs }),
      drivers: [driver('AAA', { grid: 1 }), driver('BBB', { grid: 2, tDriver: 0.75 })],
    })
  const withDrs = simulateRace(build({ window: 1, allowLap: 2, scDelayLaps: 2 })).lap_times.BBB!
  const without = simulateRace(build(null)).lap_times.BBB!
  t.equal(withDrs[0], without[0], 'no DRS before the allowed lap')
  t.ok(near(withDrs[1]! - without[1]!, -0.6), 'both halves within the window after lap 1 (0.95 s)')
  t.equal(withDrs[2], BASE + 0.75, 'no DRS once the gap is over the window (1.10 s)')
})

t.test('duel: two cars closer than the minimum gap both lose t_duel, and the one behind is held at the gap', async (t) => {
  const r = race({ track: track({ gridLossPerPosition: 0.2 }), drivers: [driver('AAA', { grid: 1 }), driver('BBB', { grid: 2 })] })
  const result = simulateRace(r)
  t.equal(result.lap_times.AAA![0], BASE + 0.3)
  t.ok(near(raceTimeAt(result.lap_times.BBB!, 1) - raceTimeAt(result.lap_times.AAA!, 1), 0.5))
  t.same(result.positions.BBB!.slice(0, 3), [2, 2, 2])
})

t.test('overtaking: a car faster by the overtaking gap passes, and the overtaken car loses t_overtake_loser', async (t) => {
  const r = race({ drivers: [driver('AAA', { grid: 1, tDriver: 1.5 }), driver('BBB', { grid: 2 })] })
  const result = simulateRace(r)
  t.same(result.positions.BBB!.slice(0, 2), [1, 1])
  t.same(result.positions.AAA!.slice(0, 2), [2, 2])
  t.equal(result.lap_times.AAA![0], BASE + 1.5 + 0.3 + 0.3, 'duel and overtaken losses')
  t.equal(result.lap_times.BBB![0], BASE + 0.3, 'duel loss only')
})

t.test('overtaking: a car faster by less than the overtaking gap stays behind, held at the minimum gap', async (t) => {
  const r = race({ drivers: [driver('AAA', { grid: 1, tDriver: 0.8 }), driver('BBB', { grid: 2 })] })
  const result = simulateRace(r)
  t.equal(result.classification[0]!.driver, 'AAA')
  for (let lap = 1; lap <= 10; lap++) {
    t.ok(near(raceTimeAt(result.lap_times.BBB!, lap) - raceTimeAt(result.lap_times.AAA!, lap), 0.5, 0.002), `lap ${lap}`)
  }
})

t.test('overtaking: a higher top speed lowers the gap needed, a team order raises it', async (t) => {
  const faster = race({ drivers: [driver('AAA', { grid: 1, tDriver: 0.8 }), driver('BBB', { grid: 2, vMax: 340 })] })
  t.equal(simulateRace(faster).classification[0]!.driver, 'BBB', '20 km/h more: 1.0 - 0.6 = 0.4 s needed')
  const ordered = race({ drivers: [driver('AAA', { grid: 1, tDriver: 1.5 }), driver('BBB', { grid: 2, teamOrder: 1 })] })
  t.equal(simulateRace(ordered).classification[0]!.driver, 'AAA', 'team mate must be 2.0 s faster')
})

t.test('lapped cars finish the lap they are on when the winner takes the flag', async (t) => {
  const r = race({ drivers: [driver('AAA'), driver('BBB', { grid: 2, tDriver: 10 })] })
  const result = simulateRace(r)
  const slow = result.classification.find((c) => c.driver === 'BBB')!
  t.equal(slow.laps, 9)
  t.equal(slow.status, 'finished')
  t.ok(slow.gap! > 0)
  t.equal(result.lap_times.BBB!.length, 9)
})

t.test('a retirement stops the car in the recorded lap and classifies it behind the cars still running', async (t) => {
  const r = race({
    drivers: [driver('AAA'), driver('BBB', { grid: 2, tDriver: 2 }), driver('CCC', { grid: 3, tDriver: 4 })],
    events: { fcyPhases: [], retirements: [{ driver: 'AAA', progress: 4.5 }] },
  })
  const result = simulateRace(r)
  const aaa = result.classification.find((c) => c.driver === 'AAA')!
  t.same([aaa.position, aaa.laps, aaa.status, aaa.gap], [3, 4, 'retired', null])
  t.same(result.positions.AAA!.slice(3), [1, 3, 3, 3, 3, 3, 3])
  t.equal(result.lap_times.AAA!.length, 4)
})

t.test('a VSC slows the yellow part of a lap to the FCY lap time (+40 %) and ends at its recorded progress', async (t) => {
  const r = race({ drivers: [driver('AAA')], events: { fcyPhases: [{ start: 3, end: 5, type: 'VSC' }], retirements: [] } })
  const result = simulateRace(r).lap_times.AAA!
  t.equal(result[2], BASE)
  t.ok(near(result[3]!, BASE * 1.4))
  t.ok(near(result[4]!, BASE * 1.4))
  t.equal(result[5], BASE)
})

t.test('a VSC over part of a lap slows only that part', async (t) => {
  const r = race({ drivers: [driver('AAA')], events: { fcyPhases: [{ start: 3.5, end: 4.2, type: 'VSC' }], retirements: [] } })
  const result = simulateRace(r).lap_times.AAA!
  t.ok(near(result[3]!, 0.5 * BASE + 0.5 * BASE * 1.4), 'second half of lap 4 under yellow')
  t.ok(result[4]! > BASE && result[4]! < BASE * 1.4, 'lap 5 partly under yellow')
})

t.test('under a yellow fuel burns and tyres wear at the parameter file\'s reduced rates', async (t) => {
  const build = (phases: RaceParams['events']['fcyPhases']) => {
    const r = race({ drivers: [driver('AAA', { tyres: tyres({}, { A3: { k0: 0, k1Lin: 0.1 } }) })], events: { fcyPhases: phases, retirements: [] } })
    r.teams.Alpha = { ...r.teams.Alpha!, fuelStartKg: 20, fuelPerLapKg: 2 }
    return simulateRace(r).lap_times.AAA!
  }
  const green = build([])
  const yellow = build([{ start: 3, end: 4, type: 'VSC' }])
  // After one full VSC lap: tyre half a lap younger (-0.05 s), half the fuel burned (+1 kg x 0.03 s/kg).
  t.ok(near(yellow[4]! - green[4]!, -0.05 + 0.03))
})

t.test('a safety car holds the field behind it at the SC gap and forbids overtaking', async (t) => {
  const r = race({
    laps: 12,
    drivers: [driver('AAA', { tDriver: 2 }), driver('BBB', { grid: 2 })],
    events: { fcyPhases: [{ start: 4.3, end: 7, type: 'SC' }], retirements: [] },
  })
  // Without the SC the faster BBB would pass on lap 1 (2 s faster); start it far behind instead.
  r.track = track({ gridLossPerPosition: 30 })
  const result = simulateRace(r)
  const a = result.lap_times.AAA!
  const b = result.lap_times.BBB!
  t.ok(raceTimeAt(b, 4) - raceTimeAt(a, 4) > 1, 'a gap before the SC')
  t.ok(near(raceTimeAt(b, 7) - raceTimeAt(a, 7), 0.8, 0.002), 'the field closed up to the SC gap by the end of the phase')
  t.same(result.positions.AAA!.slice(0, 7), [1, 1, 1, 1, 1, 1, 1], 'no overtaking behind the SC')
  t.ok(near(a[5]!, BASE * 1.6 + 0.8), 'the leader runs at the SC lap time (+60 %) one SC gap behind it')
  t.same(result.positions.BBB!.slice(7, 8), [1], 'the faster car passes once the SC is in')
})

t.test('a stop under a VSC costs the FCY pit-lane loss, and a full yellow out-lap is no faster than the FCY lap time', async (t) => {
  const r = race({
    drivers: [driver('AAA', { strategy: stints([[0, 'A3', 0, 0], [4, 'A4', 0, 0]]) })],
    events: { fcyPhases: [{ start: 3, end: 6, type: 'VSC' }], retirements: [] },
  })
  const result = simulateRace(r).lap_times.AAA!
  const green = simulateSingleCar(r, 'AAA').lap_times
  t.ok(near(result[3]!, BASE * 1.4 + 3), 'in-lap: t_pitdrive_inlap_fcy')
  // As in the reference, the slowed lap is max(lap incl. pit losses, FCY lap time): here the FCY time.
  t.ok(near(result[4]!, Math.max(BASE * 1.4, BASE + 2.5 + 12)), 'out-lap')
  t.equal(green[3], BASE + 5, 'green in-lap: t_pitdrive_inlap')
})

t.test('a safety car that comes out late in a lap meets the leader no sooner than a third of an SC lap later', async (t) => {
  const timed = (start: number) => {
    const r = race({ laps: 12, drivers: [driver('AAA')], events: { fcyPhases: [{ start, end: 7, type: 'SC' }], retirements: [] } })
    return recordedEvents(prepareRace(r)).phases
  }
  const scLap = BASE * 1.6
  const fcyLap = BASE * 1.4
  const early = timed(4.5)
  t.ok(near(early.scDelay[0]!, 0.5 * fcyLap, 1e-9), 'from mid-lap the rest of the lap at the FCY lap time')
  const late = timed(4.9)
  t.ok(near(late.scDelay[0]!, 0.33 * scLap, 1e-9), 'from 90 % of the lap: 0.33 SC laps, not 0.1 FCY laps')
  // Lap 5 starts the phase, lap 6 runs behind the SC, lap 7 ends it at the line; a late start moves the end too.
  t.ok(near(early.end[0]! - early.start[0]!, 0.5 * fcyLap + 2 * scLap, 1e-9), 'the early phase lasts its yellow half-lap and two SC laps')
  t.ok(near(late.end[0]! - late.start[0]!, 0.33 * scLap + 2 * scLap, 1e-9), 'the late phase lasts the minimum delay and two SC laps')
})
