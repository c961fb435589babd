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
    const isPublic = ['/api/auth/', '/api/stripe/', '/api/tracks'].some((prefix) => path.startsWith(prefix))
    if (!isPublic) t.ok(operation.security, `${path} declares bearer auth`)
  }
})

t.test('/docs serves the Swagger UI', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/docs/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /html/)
})
