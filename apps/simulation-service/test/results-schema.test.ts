// The result schemas against what the engine really returns, and the OpenAPI document built from
// them. The engine's result types are the schemas' static types, but a field the engine sets in a
// place the compiler does not check for excess properties (a callback's object literal) would get
// past tsc: these checks are what fail then, naming the field.
import t from 'tap'
import type { TSchema } from 'typebox'
import Value from 'typebox/value'
import {
  LegacyResultsSchema,
  MonteCarloResultSchema,
  type MonteCarloResult,
  RaceResultSchema,
  SimulationResultsSchema,
  type RaceResult,
  SingleCarResultSchema,
} from '@f1/contracts/simulation-results'
import { OptimizeResultSchema } from '@f1/contracts/simulations'
import { listTracks } from '@f1/race-sim/catalog'
import { runOptimization } from '@f1/race-sim/optimizer'
import { runSimulation } from '@f1/race-sim/simulate'
import { auth, build } from './helper.ts'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

/** Every catalog race (track and season) once. */
const races = listTracks().flatMap((track) => track.seasons.map((season) => ({ track_id: track.id, season })))

/** The value matches the schema exactly (closed objects: no field the schema lacks), else the first difference. */
function conforms(t: Test, schema: TSchema, value: unknown, what: string) {
  const errors = Value.Errors(schema, value)
  t.same(errors.slice(0, 1), [], what)
  t.ok(Value.Check(SimulationResultsSchema, value), `${what}: a SimulationResults`)
}

t.test('every catalog race simulated matches RaceResult exactly, retirements, yellows and warnings included', async (t) => {
  t.ok(races.length > 100, `${races.length} races`)
  const results = races.map((race) => ({ race, result: runSimulation({ ...race, mode: 'race' }) as RaceResult }))
  t.ok(
    results.some(({ result }) => result.classification.some((c) => c.gap === null)),
    'retired cars (gap null)',
  )
  t.ok(
    results.some(({ result }) => result.fcy_phases.some((p) => p.end === null)),
    'a yellow until the flag (end null)',
  )
  t.ok(
    results.some(({ result }) => result.warnings.length > 0),
    'warnings',
  )
  for (const { race, result } of results) conforms(t, RaceResultSchema, result, `${race.track_id} ${race.season}`)
})

t.test('a single car matches SingleCarResult exactly', async (t) => {
  conforms(
    t,
    SingleCarResultSchema,
    runSimulation({ track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single' }),
    'shanghai 2019 HAM',
  )
})

t.test('Monte Carlo studies match MonteCarloResult exactly, drivers who never finish and laps nobody runs included', async (t) => {
  const study = (runs: number, seed: number, track_id = 'baku', season = 2017) =>
    runSimulation({ track_id, season, mode: 'monte_carlo', runs, seed }) as MonteCarloResult
  // Baku 2017 retires many cars: in one run some never finish (race_time null), in 30 some lap has nobody left (null positions).
  const once = study(1, 1)
  const thirty = study(30, 3)
  t.ok(
    once.drivers.some((d) => d.race_time === null),
    'a driver who never finished',
  )
  t.ok(
    thirty.drivers.some((d) => d.position_by_lap.mean.includes(null)),
    'a lap nobody ran',
  )
  conforms(t, MonteCarloResultSchema, once, 'baku 2017, 1 run')
  conforms(t, MonteCarloResultSchema, thirty, 'baku 2017, 30 runs')
  conforms(t, MonteCarloResultSchema, study(30, 3, 'shanghai', 2019), 'shanghai 2019, 30 runs')
})

t.test("the optimizer's answer matches OptimizeResult exactly, with its race and Monte Carlo re-evaluations", async (t) => {
  const result = await runOptimization({ track_id: 'shanghai', season: 2019, driver: 'HAM', evaluate_runs: 20, top: 2 })
  t.equal(result.in_monte_carlo?.runs, 20)
  conforms(t, OptimizeResultSchema, result, 'shanghai 2019 HAM, 20 runs')
  conforms(t, OptimizeResultSchema, await runOptimization({ track_id: 'monza', season: 2019, driver: 'LEC' }), 'monza 2019 LEC, no re-evaluation')
})

t.test('legacy results are a map, a list or text; a bare number, boolean or null is no result', async (t) => {
  for (const legacy of [{ position: 3 }, {}, [1, 'a'], 'P3 two stops'])
    t.ok(Value.Check(LegacyResultsSchema, legacy), JSON.stringify(legacy))
  for (const other of [3, true, null]) t.notOk(Value.Check(SimulationResultsSchema, other), JSON.stringify(other))
})

t.test("simulation-service's OpenAPI document types results: race, Monte Carlo, single car, optimizer or legacy", async (t) => {
  const { app } = await build(t)
  const spec = (await app.inject({ url: '/openapi.json', headers: auth })).json<{
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> }>
    >
  }>()
  for (const [path, method, status] of [
    ['/simulations/{simulationId}', 'get', '200'],
    ['/users/{userId}/simulations', 'post', '201'],
  ] as const) {
    const results = spec.paths[path]![method]!.responses[status]!.content['application/json']!.schema.properties.results as {
      anyOf: Array<{ title: string; properties?: Record<string, unknown> }>
    }
    t.same(
      results.anyOf.map((branch) => branch.title),
      ['RaceResult', 'MonteCarloResult', 'SingleCarResult', 'OptimizeResult', 'LegacyResults'],
      `${method} ${path}`,
    )
    t.ok(results.anyOf[0]!.properties!.lap_detail, 'race results with lap_detail')
    t.ok(results.anyOf[1]!.properties!.drivers, 'Monte Carlo results with drivers')
  }
})
