import t from 'tap'
import { ScanCommand } from '@aws-sdk/client-dynamodb'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { getRace } from '@f1/race-sim/catalog'
import type { MonteCarloResult, RaceResult, SingleCarResult } from '@f1/race-sim/contract'
import { runMonteCarlo } from '@f1/race-sim/monte-carlo'
import { runOptimization } from '@f1/race-sim/optimizer'
import { runSimulation } from '@f1/race-sim/simulate'
import { parseStrategy } from '@f1/race-sim/strategy'
import { errorOf } from '@f1/service-kit/testing'
import { auth, build, operation, simulationBody, steppingClock, twoStop, userId } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

const run = (app: App, user: string, body: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/users/${user}/simulations`, headers: { ...auth, ...headers }, payload: body })
const read = (app: App, id: string, owner: string) => app.inject({ url: `/simulations/${id}?user_id=${owner}`, headers: auth })
const list = async (app: App, user: string, query = '') =>
  (await app.inject({ url: `/users/${user}/simulations${query}`, headers: auth })).json()

t.test('a run stores one item with every attribute, returns it with 201, and reads back the same', async (t) => {
  const { app, rawRows } = await build(t, { now: () => new Date('2026-11-26T09:15:00.123Z') })
  const user = userId()
  // Any name of the track is accepted; the item keeps the catalog's id.
  const request = simulationBody('single', { track_id: 'Shanghai International Circuit' })
  const res = await run(app, user, request)
  t.equal(res.statusCode, 201)
  const created = res.json()
  const expected = runSimulation(request) as SingleCarResult
  t.match(created.simulation_id, /^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID')
  t.strictSame(created, {
    simulation_id: created.simulation_id,
    created_at: '2026-11-26T09:15:00.123Z',
    user_id: user,
    track_id: 'shanghai',
    season: 2019,
    mode: 'single',
    driver: 'HAM',
    strategy_data: request,
    results: expected,
    total_time: expected.race_time,
  })
  const rows = await rawRows(created.simulation_id)
  t.equal(rows.length, 1, 'one item')
  t.strictSame(rows[0], created, 'the item holds exactly what was returned')
  const back = await read(app, created.simulation_id, user)
  t.equal(back.statusCode, 200)
  t.strictSame(back.json(), created)
})

t.test("in race mode the request strategy replaces the driver's, the others keep the file's, total_time is his race time", async (t) => {
  const { app } = await build(t)
  const res = await run(app, userId(), simulationBody('race'))
  t.equal(res.statusCode, 201)
  const { results, total_time } = res.json<{ results: RaceResult; total_time: number }>()
  t.strictSame(results, runSimulation(simulationBody('race')))
  t.same(
    results.pit_stops.filter((p) => p.driver === 'HAM').map((p) => p.lap),
    [19, 35],
    'HAM stops where the request says',
  )
  const fileBot = getRace('shanghai', 2019)
    .drivers.find((d) => d.code === 'BOT')!
    .strategy.slice(1)
    .map((s) => s.startLap)
  t.same(
    results.pit_stops.filter((p) => p.driver === 'BOT').map((p) => p.lap),
    fileBot,
    'BOT stops where the parameter file says',
  )
  const ham = results.classification.find((c) => c.driver === 'HAM')!
  t.equal(ham.status, 'finished')
  t.equal(total_time, ham.race_time)
})

t.test('in monte_carlo mode the study runs on the workers, equals the in-process one, and total_time is the median', async (t) => {
  const { app } = await build(t)
  const res = await run(app, userId(), simulationBody('monte_carlo', { runs: 200, seed: 7 }))
  t.equal(res.statusCode, 201)
  const { results, total_time, strategy_data } = res.json<{ results: MonteCarloResult; total_time: number; strategy_data: object }>()
  const race = getRace('shanghai', 2019)
  t.strictSame(results, runMonteCarlo(race, { override: { driver: 'HAM', stints: parseStrategy(twoStop()) }, runs: 200, seed: 7 }))
  t.equal(results.runs, 200)
  t.equal(total_time, results.drivers.find((d) => d.driver === 'HAM')!.race_time!.p50)
  t.match(strategy_data, { runs: 200, seed: 7, mode: 'monte_carlo' })
})

t.test("a user's simulations are listed newest first, without results, in pages that cover each once", async (t) => {
  const { app } = await build(t, { now: steppingClock() })
  const user = userId()
  const ids: string[] = []
  for (let i = 0; i < 5; i++) ids.push((await run(app, user, simulationBody(i % 2 ? 'race' : 'single'))).json().simulation_id)
  await run(app, userId('other'), simulationBody())
  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page = await list(app, user, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    pages += 1
    for (const s of page.simulations) {
      t.notOk('results' in s, 'a list entry has no results')
      t.equal(s.user_id, user)
    }
    seen.push(...page.simulations.map((s: { simulation_id: string }) => s.simulation_id))
    cursor = page.next_cursor
  } while (cursor)
  t.same(seen, [...ids].reverse(), 'newest first, every one once')
  t.equal(pages, 3, 'the last page has no cursor')
  t.same([...ids].sort(), ids, 'ids sort by creation time')
  const first = (await list(app, user)).simulations[0]
  t.match(first, { simulation_id: ids[4], track_id: 'shanghai', season: 2019, mode: 'single', driver: 'HAM', total_time: Number })
  t.same((await list(app, userId('nobody'))).simulations, [])
})

t.test("another user's simulation id is a 404, like an unknown one", async (t) => {
  const { app } = await build(t)
  const owner = userId()
  const id = (await run(app, owner, simulationBody())).json().simulation_id
  const foreign = await read(app, id, userId('intruder'))
  t.equal(foreign.statusCode, 404)
  t.equal(errorOf(foreign).code, 'SIMULATION_NOT_FOUND')
  const unknown = await read(app, '01J00000000000000000000000', owner)
  t.equal(unknown.statusCode, 404)
  t.same(errorOf(unknown).code, errorOf(foreign).code, 'the same answer: ids do not leak')
  t.equal((await app.inject({ url: `/simulations/${id}`, headers: auth })).statusCode, 400, 'the owner is required')
})

t.test('an invalid strategy is a 400 naming the problem, and nothing is stored', async (t) => {
  const { app, tables } = await build(t)
  const user = userId()
  const cases: Array<[object, string, RegExp]> = [
    [{ stints: [{ start_lap: 3, compound: 'A4', tire_age: 0 }] }, 'FIRST_STINT_NOT_AT_START', /lap 0/],
    [
      {
        stints: [
          { start_lap: 0, compound: 'A4', tire_age: 0 },
          { start_lap: 56, compound: 'A3', tire_age: 0 },
        ],
      },
      'STRATEGY_NOT_COVERING_RACE',
      /56 laps/,
    ],
    [{ stints: [{ start_lap: 0, compound: 'A9', tire_age: 0 }] }, 'UNKNOWN_COMPOUND', /A9/],
    [
      {
        stints: [
          { start_lap: 0, compound: 'A4', tire_age: 0 },
          { start_lap: 20, compound: 'A3', tire_age: 0, refuel_kg: 10 },
        ],
      },
      'REFUELLING_NOT_ALLOWED',
      /refuel/i,
    ],
    [{ stints: [] }, 'VALIDATION_FAILED', /stints/],
    [{ stints: [{ start_lap: 0, compound: 'A4', tire_age: -1 }] }, 'VALIDATION_FAILED', /tire_age/],
  ]
  for (const mode of ['single', 'race', 'monte_carlo'] as const) {
    for (const [strategy, code, message] of cases) {
      const res = await run(app, user, simulationBody(mode, { strategy, runs: 10 }))
      t.equal(res.statusCode, 400, `${mode} ${code}`)
      t.equal(errorOf(res).code, code)
      t.match(errorOf(res).message, message)
    }
  }
  const unknownDriver = await run(app, user, simulationBody('race', { driver: 'XYZ' }))
  t.equal(errorOf(unknownDriver).code, 'UNKNOWN_DRIVER')
  const unknownField = await run(app, user, { ...simulationBody(), colour: 'red' })
  t.equal(errorOf(unknownField).code, 'VALIDATION_FAILED')
  t.match(errorOf(unknownField).message, /colour/)
  t.same((await list(app, user)).simulations, [])
  const { Count } = await tables.client.send(
    new ScanCommand({ TableName: tables.names.simulations, Select: 'COUNT', FilterExpression: 'attribute_not_exists(outbox_event_id)' }),
  )
  t.equal(Count, 0, "nothing but the failures' outbox events is in the table")
})

t.test('Simulation Completed is published with the id, track, mode and total_time', async (t) => {
  const { app, published } = await build(t)
  const user = userId()
  const created = (await run(app, user, simulationBody('race'), { 'x-request-id': 'req-completed' })).json()
  const events = await published()
  t.equal(events.length, 1)
  t.same(events[0], {
    eventId: events[0]!.eventId,
    type: 'Simulation Completed',
    source: 'f1.simulations',
    detail: {
      event_id: events[0]!.eventId,
      simulation_id: created.simulation_id,
      track_id: 'shanghai',
      mode: 'race',
      total_time: created.total_time,
      user_id: user,
      occurred_at: events[0]!.detail.occurred_at,
      correlation_id: 'req-completed',
      version: 1,
    },
  })
})

t.test('Simulation Failed is published with the error code and the charge, which is refunded, when the engine rejects a run', async (t) => {
  const { app, published, counts, chargeStatus } = await build(t)
  const user = userId()
  const op = operation([
    { feature: 'simulation_run', amount: 1, limit: 5 },
    { feature: 'monte_carlo_run', amount: 50, limit: 1000 },
  ])
  const res = await run(app, user, simulationBody('monte_carlo', { runs: 50, driver: 'NOBODY', operation: op }), {
    'x-request-id': 'req-failed',
  })
  t.equal(res.statusCode, 400)
  t.equal(await chargeStatus(user, op.id), 'refunded')
  t.same(await counts(user), { simulation_run: 0, monte_carlo_run: 0 })
  const events = await published()
  t.equal(events.length, 1)
  t.match(events[0], {
    type: 'Simulation Failed',
    source: 'f1.simulations',
    detail: {
      simulation_id: null,
      track_id: 'shanghai',
      mode: 'monte_carlo',
      error_code: 'UNKNOWN_DRIVER',
      charge_id: op.id,
      user_id: user,
      correlation_id: 'req-failed',
    },
  })
  // Without an operation (a direct call), nothing was charged and the event names no charge.
  await run(app, user, simulationBody('single', { track_id: 'nowhere' }))
  const [, second] = await published()
  t.match(second?.detail, { track_id: 'nowhere', error_code: 'UNKNOWN_TRACK' })
  t.notOk('charge_id' in (second?.detail ?? {}))
})

t.test('an engine failure after validation is a 500, stores nothing, refunds and publishes Simulation Failed', async (t) => {
  const { app, published, counts } = await build(t)
  const user = userId()
  // The worker pool gone (as during a shutdown) is a failure of the engine, not of the request.
  await app.engine.pool.close()
  const op = operation([{ feature: 'monte_carlo_run', amount: 10, limit: 100 }])
  const res = await run(app, user, simulationBody('monte_carlo', { runs: 10, operation: op }))
  t.equal(res.statusCode, 500)
  t.same(errorOf(res), { code: 'INTERNAL_ERROR', message: 'Internal server error' }, 'no internals in the answer')
  t.same((await list(app, user)).simulations, [])
  t.same(await counts(user), { monte_carlo_run: 0 })
  const events = await published()
  t.match(events, [{ type: 'Simulation Failed', detail: { error_code: 'ENGINE_FAILED', simulation_id: null, charge_id: op.id } }])
})

t.test('GET /tracks lists the catalog and optimize returns the fastest strategies', async (t) => {
  const { app } = await build(t)
  const tracks = (await app.inject({ url: '/tracks', headers: auth })).json().tracks as Array<{
    id: string
    seasons: number[]
    laps: Record<string, number>
  }>
  const shanghai = tracks.find((track) => track.id === 'shanghai')
  t.ok(shanghai?.seasons.includes(2019))
  t.equal(shanghai?.laps['2019'], getRace('shanghai', 2019).laps)
  t.notOk('fileName' in (shanghai ?? {}))

  const optimize = (body: object) =>
    app.inject({ method: 'POST', url: `/users/${userId()}/strategies/optimize`, headers: auth, payload: body })
  const res = await optimize({ track_id: 'shanghai', season: 2019, driver: 'HAM' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), await runOptimization({ track_id: 'shanghai', season: 2019, driver: 'HAM' }))
  t.same(
    res.json().strategies.map((s: { stops: number }) => s.stops),
    [1, 2, 3],
  )
  t.equal(errorOf(await optimize({ track_id: 'shanghai', season: 2019, driver: 'XYZ' })).code, 'UNKNOWN_DRIVER')
  t.equal(errorOf(await optimize({ track_id: 'shanghai', season: 2019 })).code, 'VALIDATION_FAILED')
})

t.test('GET /tracks/:trackId/races/:season answers the drivers by grid with their recorded strategies and events', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: '/tracks/shanghai/races/2019', headers: auth })
  t.equal(res.statusCode, 200)
  const race = getRace('shanghai', 2019)
  const body = res.json<{
    drivers: Array<{ code: string; strategy: { stints: unknown[] } }>
    fcy_phases: unknown[]
    retirements: unknown[]
  }>()
  t.equal(body.drivers.length, race.drivers.length)
  t.same(body.drivers[0]?.code, [...race.drivers].sort((a, b) => a.grid - b.grid)[0]?.code, 'pole first')
  t.equal(body.fcy_phases.length, race.events.fcyPhases.length)
  t.equal(body.retirements.length, race.events.retirements.length)
  const ham = body.drivers.find((d) => d.code === 'HAM')
  t.equal(ham?.strategy.stints.length, race.drivers.find((d) => d.code === 'HAM')?.strategy.length)
  const unknown = await app.inject({ url: '/tracks/shanghai/races/1999', headers: auth })
  t.equal(unknown.statusCode, 404)
  t.equal(errorOf(unknown).code, 'RACE_NOT_FOUND')
})

t.test('every route needs the service token', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const calls = [
    { method: 'POST' as const, url: `/users/${user}/simulations`, payload: simulationBody() },
    { method: 'GET' as const, url: `/users/${user}/simulations` },
    { method: 'GET' as const, url: `/simulations/01J00000000000000000000000?user_id=${user}` },
    { method: 'GET' as const, url: '/tracks' },
    { method: 'GET' as const, url: '/tracks/shanghai/races/2019' },
    { method: 'POST' as const, url: `/users/${user}/strategies/optimize`, payload: { track_id: 'shanghai', season: 2019, driver: 'HAM' } },
  ]
  for (const call of calls) {
    t.equal((await app.inject(call)).statusCode, 401, `${call.method} ${call.url} without a token`)
    t.equal((await app.inject({ ...call, headers: { 'x-service-token': 'wrong-token-0123456789' } })).statusCode, 401, 'with a wrong token')
  }
  t.same((await list(app, user)).simulations, [], 'the refused run stored nothing')
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'the probes stay open')
})

t.test('a row migrated from legacy (free-form strategy and results, no mode) is read and listed as it is', async (t) => {
  const { app, tables } = await build(t)
  const user = userId()
  const row = {
    simulation_id: '6f1c2d3e-0000-4000-8000-000000000001',
    created_at: '2024-03-01T10:00:00.000Z',
    user_id: user,
    track_id: 'Old Ring',
    track_unresolved: true,
    strategy_data: 'two stops, soft then medium',
    results: { laps: [90.1, 89.7] },
    migrated_from: '6f1c2d3e-0000-4000-8000-000000000001',
    migrated_at: '2026-11-20T00:00:00.000Z',
  }
  await tables.doc.send(new PutCommand({ TableName: tables.names.simulations, Item: row }))
  const res = await read(app, row.simulation_id, user)
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { ...row, total_time: null })
  const { results: _results, ...summary } = row
  t.strictSame((await list(app, user)).simulations, [{ ...summary, total_time: null }])
})
