import t from 'tap'
import { RaceSimError } from '../src/errors.ts'
import { runSimulation } from '../src/simulate.ts'
import { raceSimErrorOf } from './helper.ts'

const stint = (start_lap: number, compound: string, tire_age = 0, refuel_kg = 0) => ({ start_lap, compound, tire_age, refuel_kg })
const request = (over: Record<string, unknown> = {}) => ({ track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single', ...over })
const strategy = (...stints: ReturnType<typeof stint>[]) => request({ strategy: { stints } })

/** The RaceSimError a request throws. */
const errorOf = (input: unknown): RaceSimError => raceSimErrorOf(() => runSimulation(input))

t.test('a first stint that does not start at lap 0 is rejected, naming the lap', async (t) => {
  const err = errorOf(strategy(stint(1, 'A4'), stint(20, 'A3')))
  t.equal(err.code, 'FIRST_STINT_NOT_AT_START')
  t.match(err.message, /lap 0, not lap 1/)
  t.equal(err.statusCode, 400)
})

t.test('a stop at or after the last lap does not cover the race distance', async (t) => {
  const err = errorOf(strategy(stint(0, 'A4'), stint(56, 'A3')))
  t.equal(err.code, 'STRATEGY_NOT_COVERING_RACE')
  t.match(err.message, /56 laps/)
})

t.test('a strategy without stints is rejected', async (t) => {
  t.equal(errorOf(strategy()).code, 'STRATEGY_NOT_COVERING_RACE')
})

t.test('stints out of order are rejected', async (t) => {
  t.equal(errorOf(strategy(stint(0, 'A4'), stint(30, 'A3'), stint(20, 'A4'))).code, 'INVALID_STRATEGY')
})

t.test('an unknown compound is rejected, naming it', async (t) => {
  const err = errorOf(strategy(stint(0, 'soft'), stint(20, 'A3')))
  t.equal(err.code, 'UNKNOWN_COMPOUND')
  t.match(err.message, /"soft"/)
})

t.test('a compound without a tyre model for the driver in this race is rejected', async (t) => {
  const err = errorOf(strategy(stint(0, 'A1'), stint(20, 'A3')))
  t.equal(err.code, 'UNKNOWN_COMPOUND')
  t.match(err.message, /A1 has no tyre model for HAM/)
})

t.test('a malformed strategy is rejected', async (t) => {
  t.equal(errorOf(request({ strategy: { stints: [{ start_lap: 'zero', compound: 'A4', tire_age: 0 }] } })).code, 'INVALID_STRATEGY')
  t.equal(errorOf(request({ strategy: 'A4 then A3' })).code, 'INVALID_STRATEGY')
  t.equal(errorOf(strategy(stint(0, 'A4', -1))).code, 'INVALID_STRATEGY')
})

t.test('refuelling is rejected where the rules ban it', async (t) => {
  t.equal(errorOf(strategy(stint(0, 'A4'), stint(20, 'A3', 0, 10))).code, 'REFUELLING_NOT_ALLOWED')
})

t.test('an unknown track is rejected, naming it', async (t) => {
  const err = errorOf(request({ track_id: 'Nurburgring' }))
  t.equal(err.code, 'UNKNOWN_TRACK')
  t.match(err.message, /Nurburgring/)
})

t.test('a season without a race at the track is rejected, listing the seasons', async (t) => {
  const err = errorOf(request({ track_id: 'baku', season: 2014 }))
  t.equal(err.code, 'UNKNOWN_SEASON')
  t.match(err.message, /2016, 2017, 2018, 2019/)
})

t.test('a driver who did not start the race is rejected', async (t) => {
  const err = errorOf(request({ driver: 'SCH' }))
  t.equal(err.code, 'UNKNOWN_DRIVER')
  t.match(err.message, /no driver SCH in shanghai 2019/)
})

t.test('a request without a mode, with a bad run count or seed is rejected', async (t) => {
  t.equal(errorOf(request({ mode: 'qualifying' })).code, 'INVALID_REQUEST')
  t.equal(errorOf(request({ mode: 'monte_carlo', runs: 0 })).code, 'INVALID_REQUEST')
  t.equal(errorOf(request({ mode: 'monte_carlo', seed: -1 })).code, 'INVALID_REQUEST')
  t.equal(errorOf(request({ driver: undefined })).code, 'INVALID_REQUEST')
  t.equal(errorOf(null).code, 'INVALID_REQUEST')
})

t.test('the error serialises to code, message and details', async (t) => {
  t.same(JSON.parse(JSON.stringify(errorOf(request({ driver: 'SCH' })))), {
    code: 'UNKNOWN_DRIVER',
    message: errorOf(request({ driver: 'SCH' })).message,
    details: { driver: 'SCH', track_id: 'shanghai', season: 2019 },
  })
})
