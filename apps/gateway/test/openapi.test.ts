import t from 'tap'
import { build } from './helper.ts'

/** Every route of Fastify's printed route tree (children print their path relative to the parent). */
function routesOf(tree: string): Array<{ path: string; method: string }> {
  const routes: Array<{ path: string; method: string }> = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)/.exec(line)
    if (!match) continue
    const depth = (match[1] ?? '').length / 4
    stack.length = depth
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '')
    stack[depth] = path
    for (const method of (match[3] ?? '').split(', ')) if (method !== 'HEAD') routes.push({ path, method: method.toLowerCase() })
  }
  return routes
}

t.test('every gateway route is in the OpenAPI document with summary, tags, responses and the error model', async (t) => {
  const { app } = await build(t)
  await app.ready()
  const spec = (await app.inject('/docs/json')).json<{
    paths: Record<string, Record<string, { summary?: string; tags?: string[]; responses: Record<string, unknown>; security?: unknown[] }>>
    components: { securitySchemes: Record<string, unknown> }
  }>()
  t.match(spec.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' })
  const apiRoutes = routesOf(app.printRoutes({ commonPrefix: false })).filter((r) => r.path.startsWith('/api/'))
  t.ok(apiRoutes.length >= 8, `found ${apiRoutes.length} /api routes`)
  for (const { path, method } of apiRoutes) {
    const operation = spec.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method]
    t.ok(operation, `${method.toUpperCase()} ${path} is documented`)
    if (!operation) continue
    t.ok(operation.summary, `${path} has a summary`)
    t.ok(operation.tags?.length, `${path} has tags`)
    const statuses = Object.keys(operation.responses)
    t.ok(
      statuses.some((s) => s.startsWith('2')),
      `${path} documents its success`,
    )
    t.ok(
      statuses.some((s) => s.startsWith('4') || s.startsWith('5')),
      `${path} documents its errors`,
    )
    const isPublic = ['/api/auth/', '/api/stripe/', '/api/tracks', '/api/plans'].some((prefix) => path.startsWith(prefix))
    if (!isPublic) t.ok(operation.security, `${path} declares bearer auth`)
  }
})

t.test('/docs serves the Swagger UI', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/docs/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /html/)
})

interface JsonSchema {
  title?: string
  type?: string
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  additionalProperties?: JsonSchema
  anyOf?: JsonSchema[]
}

/** The `results` schema of an operation's response, as a generated client reads it. */
function documentedResults(
  spec: { paths: Record<string, Record<string, unknown>> },
  path: string,
  method: string,
  status: string,
): JsonSchema {
  const operation = spec.paths[path]?.[method] as { responses: Record<string, { content: Record<string, { schema: JsonSchema }> }> }
  return operation.responses[status]!.content['application/json']!.schema.properties!.results!
}

t.test("a simulation's results are documented as the engine's results (three modes and the optimizer's) or a legacy row's, never as anything at all", async (t) => {
  const { app } = await build(t)
  const spec = (await app.inject('/docs/json')).json<{ paths: Record<string, Record<string, unknown>> }>()
  for (const [path, method, status] of [
    ['/api/simulations/{simulationId}', 'get', '200'],
    ['/api/simulations', 'post', '201'],
  ] as const) {
    const branches: JsonSchema[] = documentedResults(spec, path, method, status).anyOf ?? []
    const byTitle: Record<string, JsonSchema> = Object.fromEntries(branches.map((b) => [b.title ?? '', b]))
    t.same(Object.keys(byTitle), ['RaceResult', 'MonteCarloResult', 'SingleCarResult', 'OptimizeResult', 'LegacyResults'], `${method} ${path}`)
    const raceResult = byTitle.RaceResult!.properties!
    t.ok(raceResult.classification?.items?.properties?.gap, 'race: the classification, with gaps')
    t.ok(raceResult.lap_detail?.additionalProperties?.properties?.traffic_yellow, 'race: lap_detail per driver code')
    const driver = byTitle.MonteCarloResult!.properties!.drivers!.items!.properties!
    t.ok(driver.position_by_lap?.properties?.p90, 'Monte Carlo: position_by_lap per driver')
    t.ok(byTitle.SingleCarResult!.properties!.lap_times, 'single car: its lap times')
    t.ok(byTitle.OptimizeResult!.properties!.in_monte_carlo?.properties?.candidates, "optimizer: its candidates' Monte Carlo outcomes")
    t.same(
      byTitle.LegacyResults!.anyOf!.map((b) => b.type),
      ['object', 'array', 'string'],
      'legacy: a map, a list or text, nothing else',
    )
    for (const branch of branches) t.ok(branch.type ?? branch.anyOf, `${branch.title} constrains its value`)
  }
})
