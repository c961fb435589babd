// What a client reads in `results` through the gateway: the engine's output, every field of it,
// and a legacy row's results as they are stored. Both services serialize the response.
import t from 'tap'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { MonteCarloResult, RaceResult } from '@f1/contracts/simulation-results'
import { HAM_SHANGHAI, bearer, build, json, register, setPlan } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

/** What any JSON round trip gives: a -0 of the engine's (a rounded DRS gain) is 0 on the wire. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

const race = { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'race' as const, strategy: HAM_SHANGHAI }
const monteCarlo = { ...race, mode: 'monte_carlo' as const, runs: 60, seed: 7 }

/** Runs `payload` through the gateway; returns the 201's body and the same simulation read back. */
async function runAndRead(built: Built, token: string, payload: object) {
  const created = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(token), payload })
  if (created.statusCode !== 201) throw new Error(`run failed: ${created.statusCode} ${created.body}`)
  const body = json<{ simulation_id: string; results: unknown }>(created)
  const read = await built.app.inject({ url: `/api/simulations/${body.simulation_id}`, headers: bearer(token) })
  return { created: body, read: json<{ results: unknown }>(read) }
}

/** A row of the simulation results table as the migrator writes one from a legacy strategy. */
const legacyRow = (userId: string, simulationId: string, results: unknown) => ({
  simulation_id: simulationId,
  created_at: '2024-03-01T10:00:00.000Z',
  user_id: userId,
  track_id: 'shanghai',
  strategy_data: { start_compound: 'A4', pit_stops: [{ lap: 20, compound: 'A3' }] },
  results,
  total_time: 5523.4,
  migrated_from: simulationId,
  migrated_at: '2026-11-20T00:00:00.000Z',
})

const putRow = (built: Built, row: Record<string, unknown>) =>
  built.tables.doc.send(new PutCommand({ TableName: built.tables.names.simulations, Item: row }))

t.test("a race result answered and read back through the gateway is the engine's, every field (lap_detail too)", async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const { created, read } = await runAndRead(built, user.token, race)
  const expected = asJson((await built.simulations.engine.simulate(race)).results as RaceResult)
  t.equal(Object.keys(expected.lap_detail).length, 20, 'the engine gave every car its lap_detail')
  t.strictSame(created.results, expected, 'the 201')
  t.strictSame(read.results, expected, 'GET /api/simulations/:id')
})

t.test("a Monte Carlo result answered and read back through the gateway is the engine's, every field (position_by_lap too)", async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const { created, read } = await runAndRead(built, user.token, monteCarlo)
  const expected = asJson((await built.simulations.engine.simulate(monteCarlo)).results as MonteCarloResult)
  t.equal(expected.drivers.length, 20)
  t.equal(expected.drivers[0]!.position_by_lap.mean.length, 56, 'a fan chart over every lap')
  t.strictSame(created.results, expected, 'the 201')
  t.strictSame(read.results, expected, 'GET /api/simulations/:id')
})

t.test("a legacy row's results come back through the gateway as stored: a map, a list or text", async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const stored = {
    map: { position: 3, total_time: 5523.4, laps: [90.1, 89.7], notes: { tyres: 'soft', extra: null } },
    list: [{ lap: 1, time: 95.2 }, 'pit', 3],
    text: 'P3, two stops, {broken json',
  }
  for (const [i, [kind, results]] of Object.entries(stored).entries()) {
    const row = legacyRow(user.userId, `6f1c2d3e-0000-4000-8000-00000000000${i}`, results)
    await putRow(built, row)
    const res = await built.app.inject({ url: `/api/simulations/${row.simulation_id}`, headers: bearer(user.token) })
    t.equal(res.statusCode, 200, kind)
    t.strictSame(res.json(), row, `${kind}: the row as stored`)
  }
})

t.test('an engine result carrying a field the contracts do not describe yet is answered whole, not cut to the schema', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const engine = asJson((await built.simulations.engine.simulate(race)).results as RaceResult)
  const results = { ...engine, future_field: { added_by: 'a newer engine', values: [1, 2] } }
  const row = {
    simulation_id: '01JEXTRAFIELD0000000000000',
    created_at: '2026-11-26T09:15:00.123Z',
    user_id: user.userId,
    track_id: 'shanghai',
    season: 2019,
    mode: 'race',
    driver: 'HAM',
    strategy_data: race,
    total_time: null,
    results,
  }
  await putRow(built, row)
  const res = await built.app.inject({ url: `/api/simulations/${row.simulation_id}`, headers: bearer(user.token) })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), row)
})
