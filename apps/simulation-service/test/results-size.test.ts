import t from 'tap'
import { ulid } from 'ulid'
import type { RaceResult } from '@f1/race-sim/contract'
import { runSimulation } from '@f1/race-sim/simulate'
import { itemSize } from '../src/repositories/stored-results.ts'
import { auth, build, simulationBody, userId } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

const read = async (app: App, id: string, owner: string) => {
  const res = await app.inject({ url: `/simulations/${id}?user_id=${owner}`, headers: auth })
  return { status: res.statusCode, body: res.json<{ results: unknown }>() }
}

/** A race result of `laps` laps for 20 cars, lap times drawn at random (so it compresses like real ones, or worse). */
function syntheticRace(laps: number, decimals: number): RaceResult {
  const drivers = Array.from({ length: 20 }, (_, i) => `D${String(i).padStart(2, '0')}`)
  const scale = 10 ** decimals
  const lap = () => Math.round((85 + Math.random() * 20) * scale) / scale
  return {
    classification: drivers.map((driver, i) => ({
      position: i + 1,
      driver,
      laps,
      race_time: laps * 90 + i,
      gap: i,
      status: 'finished' as const,
    })),
    lap_times: Object.fromEntries(drivers.map((d) => [d, Array.from({ length: laps }, lap)])),
    positions: Object.fromEntries(drivers.map((d, i) => [d, Array.from({ length: laps }, () => i + 1)])),
    pit_stops: [],
    fcy_phases: [],
    lap_detail: {},
    warnings: [],
  }
}

function newSimulation(user: string, results: RaceResult) {
  const createdAt = new Date()
  return {
    simulationId: ulid(createdAt.getTime()),
    userId: user,
    createdAt,
    trackId: 'shanghai',
    season: 2019,
    mode: 'race' as const,
    driver: 'HAM',
    strategyData: simulationBody('race'),
    results,
    totalTime: 5400.5,
  }
}

t.test('a 20-car race result with every lap is stored and read back identical', async (t) => {
  const { app, rawRows } = await build(t)
  const user = userId()
  const res = await app.inject({ method: 'POST', url: `/users/${user}/simulations`, headers: auth, payload: simulationBody('race') })
  t.equal(res.statusCode, 201)
  const created = res.json<{ simulation_id: string; results: RaceResult }>()
  const expected = runSimulation(simulationBody('race')) as RaceResult
  t.equal(Object.keys(created.results.lap_times).length, 20, '20 cars')
  for (const entry of expected.classification) {
    t.equal(created.results.lap_times[entry.driver]?.length, entry.laps, `every lap of ${entry.driver}`)
  }
  const back = await read(app, created.simulation_id, user)
  t.equal(back.status, 200)
  t.strictSame(back.body.results, expected, 'read back as the engine returned it')
  t.strictSame(back.body, created)
  const [row, ...others] = await rawRows(created.simulation_id)
  t.equal(others.length, 0)
  t.strictSame(row?.results, expected, 'stored as a map: far from the item limit')
})

t.test('a result near the item limit is stored gzip-compressed in a binary attribute and read back identical', async (t) => {
  const { app, rawRows } = await build(t)
  const user = userId()
  const results = syntheticRace(3000, 3)
  t.ok(Buffer.byteLength(JSON.stringify(results)) > 400 * 1024, 'over 400 KB as JSON')
  const saved = await app.simulations.saveSimulation(newSimulation(user, results))
  const rows = await rawRows(saved.simulation_id)
  t.equal(rows.length, 1, 'one item')
  const [row] = rows
  t.notOk('results' in row!, 'no plain results')
  t.ok(row!.results_gz instanceof Uint8Array, 'a binary attribute')
  t.ok(itemSize(row!) < 400 * 1024, 'the item is under the 400 KB limit')
  const back = await read(app, saved.simulation_id, user)
  t.equal(back.status, 200)
  t.strictSame(back.body.results, results)
  t.match((await app.inject({ url: `/users/${user}/simulations`, headers: auth })).json(), {
    simulations: [{ simulation_id: saved.simulation_id, total_time: 5400.5 }],
  })
})

t.test('a result too big even compressed is split over part items, never refused, and read back identical', async (t) => {
  const { app, rawRows } = await build(t)
  const user = userId()
  // Random lap times with 9 decimals compress badly: megabytes of gzip.
  const results = syntheticRace(12_000, 9)
  const saved = await app.simulations.saveSimulation(newSimulation(user, results))
  const rows = await rawRows(saved.simulation_id)
  const [item, ...parts] = rows
  const partCount = Number(item?.results_gz_parts)
  t.ok(partCount >= 3, `${partCount} parts`)
  t.equal(parts.length, partCount)
  for (const row of rows) t.ok(itemSize(row) < 400 * 1024, 'each item under the limit')
  const back = await read(app, saved.simulation_id, user)
  t.equal(back.status, 200)
  t.strictSame(back.body.results, results)
  const listed = (await app.inject({ url: `/users/${user}/simulations`, headers: auth })).json()
  t.equal(listed.simulations.length, 1, 'parts are not listed')
  t.equal((await read(app, saved.simulation_id, userId('intruder'))).status, 404)
})

t.test('through the route, results over the (lowered) limits are compressed and split, and read back identical', async (t) => {
  const { app, rawRows } = await build(t, { resultLimits: { compressAbove: 2048, maxBlob: 1024 } })
  const user = userId()
  const created = (
    await app.inject({ method: 'POST', url: `/users/${user}/simulations`, headers: auth, payload: simulationBody('race') })
  ).json()
  t.strictSame(created.results, runSimulation(simulationBody('race')))
  const rows = await rawRows(created.simulation_id)
  t.ok(rows.length > 2, `${rows.length} rows: the item and its parts`)
  t.strictSame((await read(app, created.simulation_id, user)).body, created)
})

t.test("itemSize follows DynamoDB's formula", async (t) => {
  t.equal(itemSize({ a: 'xyz' }), 4)
  t.equal(itemSize({ n: 5447.053 }), 1 + 5)
  t.equal(itemSize({ l: [1, 2] }), 1 + 3 + 2 * (1 + 2))
  t.equal(itemSize({ m: { k: null } }), 1 + 3 + 1 + 1 + 1)
  t.equal(itemSize({ b: new Uint8Array(10), gone: undefined }), 1 + 10)
})
