// Races whose data the reference simulator refuses run here with warnings naming why (src/race/warnings.ts).
import t from 'tap'
import { getRace, listTracks } from '../src/catalog/catalog.ts'
import { runMonteCarlo } from '../src/monte-carlo/monte-carlo.ts'
import { simulateRace } from '../src/simulate.ts'
import { parseStrategy } from '../src/strategy.ts'

const codes = (track: string, season: number) => simulateRace(getRace(track, season)).warnings.map((w) => w.code)

// The 30 catalog races the reference refuses (scripts/compare-reference.ts, see the README); it runs the other 91.
const REFUSED_BY_REFERENCE = [
  'baku/2016', 'baku/2017', 'budapest/2015', 'budapest/2016', 'kualalumpur/2014', 'melbourne/2018', 'melbourne/2019',
  'mexicocity/2016', 'montecarlo/2015', 'montecarlo/2016', 'montreal/2015', 'monza/2014', 'monza/2015', 'monza/2016',
  'monza/2019', 'saopaulo/2016', 'saopaulo/2018', 'shanghai/2014', 'shanghai/2017', 'silverstone/2014',
  'silverstone/2018', 'singapore/2015', 'sochi/2014', 'sochi/2016', 'sochi/2019', 'spa/2014', 'spielberg/2017',
  'suzuka/2014', 'suzuka/2015', 'suzuka/2016',
]

t.test('exactly the catalog races the reference refuses carry warnings, in the listing as in the race', async (t) => {
  const warned: string[] = []
  for (const track of listTracks()) {
    for (const [season, list] of Object.entries(track.warnings)) {
      warned.push(`${track.id}/${season}`)
      t.same(list, simulateRace(getRace(track.id, Number(season))).warnings, `${track.id} ${season}`)
    }
  }
  t.same(warned.sort(), REFUSED_BY_REFERENCE)
})

t.test('a car that carries less fuel than the distance needs is warned about, naming the cars and the figures', async (t) => {
  const [warning, ...rest] = simulateRace(getRace('spielberg', 2017)).warnings
  t.same(rest, [])
  t.equal(warning?.code, 'FUEL_RUNS_OUT')
  t.match(warning?.message, /HAM.*run out of fuel before the flag: .*Mercedes 105 kg for 71 laps at 1\.479 kg \(105\.009 kg\)/)
})

t.test('a race-pace gap outside -20 to 10 s is warned about', async (t) => {
  t.ok(codes('suzuka', 2014).includes('RACE_PACE_GAP_OUT_OF_RANGE'))
})

t.test('recorded yellows closer than the minimum gap are warned about in a race, not in Monte Carlo, which draws its own', async (t) => {
  t.same(codes('saopaulo', 2016), ['RACE_PACE_GAP_OUT_OF_RANGE', 'FCY_PHASES_TOO_CLOSE'])
  t.same(runMonteCarlo(getRace('saopaulo', 2016), { runs: 2, seed: 1 }).warnings.map((w) => w.code), ['RACE_PACE_GAP_OUT_OF_RANGE'])
})

t.test('a study warns of a fuel shortage the recorded race hid: without a yellow to save fuel the car runs dry', async (t) => {
  t.same(codes('baku', 2017), ['FCY_PHASES_TOO_CLOSE'], 'the recorded yellows saved the fuel')
  const study = runMonteCarlo(getRace('baku', 2017), { runs: 2, seed: 1 }).warnings.map((w) => w.code)
  t.ok(study.includes('FUEL_RUNS_OUT'))
  t.notOk(study.includes('FCY_PHASES_TOO_CLOSE'))
  // Cars that retired early in the real race have one-stint file strategies: in a study they may finish on them.
  t.ok(study.includes('ONE_DRY_COMPOUND'))
})

t.test('a finisher on one dry compound is warned about; a car on wets or one that retires is not', async (t) => {
  const silverstone = simulateRace(getRace('silverstone', 2014)).warnings.filter((w) => w.code === 'ONE_DRY_COMPOUND')
  t.same(silverstone.map((w) => w.message.slice(0, 3)).sort(), ['GRO', 'PER', 'RIC', 'VER', 'VET'])
  t.notOk(codes('saopaulo', 2016).includes('ONE_DRY_COMPOUND'), 'the whole field on wets')
  const shanghai = getRace('shanghai', 2019)
  const oneCompound = simulateRace(shanghai, { driver: 'HAM', stints: parseStrategy([[0, 'A3', 0, 0], [30, 'A3', 0, 0]]) })
  t.same(oneCompound.warnings.map((w) => w.code), ['ONE_DRY_COMPOUND'], "a request's strategy is held to the rule too")
  const retiring = { ...shanghai, events: { ...shanghai.events, retirements: [{ driver: 'HAM', progress: 20.5 }] } }
  const retired = simulateRace(retiring, { driver: 'HAM', stints: parseStrategy([[0, 'A3', 0, 0], [30, 'A3', 0, 0]]) })
  t.same(retired.warnings, [], 'not once he retires in the run')
})

t.test('a race the reference runs carries no warning', async (t) => {
  t.same(simulateRace(getRace('shanghai', 2019)).warnings, [])
  t.same(runMonteCarlo(getRace('shanghai', 2019), { runs: 2, seed: 1 }).warnings, [])
})
