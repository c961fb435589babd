import t from 'tap'
import { getRace, listTracks } from '../src/catalog/catalog.ts'
import { findTrack, resolveTrackId, TRACKS } from '../src/catalog/tracks.ts'

t.test('track names, official circuit names, countries and cities resolve to the track id', async (t) => {
  const cases: [string, string][] = [
    ['shanghai', 'shanghai'],
    ['Shanghai International Circuit', 'shanghai'],
    ['China', 'shanghai'],
    ['Monza', 'monza'],
    ['Autodromo Nazionale Monza', 'monza'],
    ['monza', 'monza'],
    ['Yas Marina', 'yasmarina'],
    ['Abu Dhabi', 'yasmarina'],
    ['Monte Carlo', 'montecarlo'],
    ['Monaco', 'montecarlo'],
    ['São Paulo', 'saopaulo'],
    ['Interlagos', 'saopaulo'],
    ['Spa-Francorchamps', 'spa'],
    ['  BRITISH grand prix ', 'silverstone'],
  ]
  for (const [name, id] of cases) t.equal(resolveTrackId(name), id, name)
})

t.test('an unknown track name resolves to nothing', async (t) => {
  t.equal(resolveTrackId('Nurburgring'), undefined)
  t.equal(resolveTrackId(''), undefined)
})

t.test('track ids are the parameter files\' track names in lower case', async (t) => {
  t.same(findTrack('yasmarina')?.fileName, 'YasMarina')
  for (const track of TRACKS) t.equal(track.id, track.fileName.toLowerCase())
})

t.test('the catalog holds every 2019 race and every season from 2014', async (t) => {
  const tracks = listTracks()
  t.equal(tracks.filter((x) => x.seasons.includes(2019)).length, 21)
  t.equal(
    tracks.reduce((n, x) => n + x.seasons.length, 0),
    121,
  )
  t.same(tracks.find((x) => x.id === 'shanghai')?.seasons, [2014, 2015, 2016, 2017, 2018, 2019])
})

t.test('a race carries the converted parameters of its file', async (t) => {
  const race = getRace('Shanghai International Circuit', 2019)
  t.equal(race.trackId, 'shanghai')
  t.equal(race.laps, 56)
  t.equal(race.track.tQuali, 91.547)
  t.equal(race.drivers.length, 20)
  t.same(race.drivers.find((d) => d.code === 'HAM')?.strategy[1], { startLap: 22, compound: 'A3', tyreAge: 0, refuelKg: 0 })
  t.same(race.events.fcyPhases, [{ start: 0.818, end: 1.392, type: 'VSC' }])
})
