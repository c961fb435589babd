import { Writable } from 'node:stream'
import t from 'tap'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { createServiceApp } from '../src/app.ts'
import { requireServiceToken } from '../src/service-auth.ts'
import { errorOf, TEST_SERVICE_TOKEN } from '../src/testing.ts'

const config = { LOG_LEVEL: 'info' as const, BODY_LIMIT_BYTES: 2048 }

function build(logger: false | { stream: NodeJS.WritableStream } = false) {
  const app = createServiceApp({ name: 'widget', config, logger })
  const calls: unknown[] = []
  app.register(async (plugin) => {
    const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
    app.post(
      '/widgets',
      { schema: { body: Type.Object({ size: Type.Integer(), name: Type.String() }, { additionalProperties: false }) } },
      async (request, reply) => {
        calls.push(request.body)
        return reply.code(201).send({ ok: true })
      },
    )
    app.get('/search', { schema: { querystring: Type.Object({ page: Type.Integer({ minimum: 1 }) }) } }, async (request) => ({
      page: request.query.page,
    }))
    app.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.ts:12')
    })
    app.register(async (scope) => {
      scope.addHook('onRequest', requireServiceToken({ caller: TEST_SERVICE_TOKEN }))
      scope.get('/private', async () => ({ ok: true }))
    })
  })
  return { app, calls }
}

t.test('/health answers while the process is up', async (t) => {
  const { app } = build()
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ok', service: 'widget' })
})

t.test('/ready is 503 with Retry-After while a dependency fails, 200 once it answers', async (t) => {
  const { app } = build()
  let up = false
  app.addReadinessCheck('dynamodb', async () => {
    if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'ECONNREFUSED' })
  })
  const down = await app.inject('/ready')
  t.equal(down.statusCode, 503)
  t.equal(down.headers['retry-after'], '5')
  t.match(down.json(), { status: 'not_ready', checks: { dynamodb: 'ECONNREFUSED' } })
  up = true
  const ready = await app.inject('/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', checks: { dynamodb: 'ok' } })
})

t.test('an unknown field is a 400 naming it, and the handler never runs', async (t) => {
  const { app, calls } = build()
  const res = await app.inject({ method: 'POST', url: '/widgets', payload: { size: 1, name: 'a', colour: 'red' } })
  t.equal(res.statusCode, 400)
  const error = errorOf(res)
  t.equal(error.code, 'VALIDATION_FAILED')
  t.match(error.message, /colour/)
  t.equal(calls.length, 0)
})

t.test('a number sent as a string in a body is refused, not coerced', async (t) => {
  const { app, calls } = build()
  const res = await app.inject({ method: 'POST', url: '/widgets', payload: { size: '7', name: 'a' } })
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'VALIDATION_FAILED')
  t.equal(calls.length, 0)
})

t.test('a missing field is named in the message', async (t) => {
  const { app } = build()
  const res = await app.inject({ method: 'POST', url: '/widgets', payload: { size: 1 } })
  t.equal(res.statusCode, 400)
  t.match(errorOf(res).message, /name is required/)
})

t.test('query strings are converted to the schema types', async (t) => {
  const { app } = build()
  t.same((await app.inject('/search?page=3')).json(), { page: 3 })
  t.equal((await app.inject('/search?page=zero')).statusCode, 400)
})

t.test('malformed JSON is a 400 INVALID_JSON', async (t) => {
  const { app, calls } = build()
  const res = await app.inject({ method: 'POST', url: '/widgets', headers: { 'content-type': 'application/json' }, payload: '{"size": 1,' })
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'INVALID_JSON')
  t.equal(calls.length, 0)
})

t.test('a body over the limit is a 413 PAYLOAD_TOO_LARGE', async (t) => {
  const { app, calls } = build()
  const res = await app.inject({ method: 'POST', url: '/widgets', payload: { size: 1, name: 'x'.repeat(5000) } })
  t.equal(res.statusCode, 413)
  t.equal(errorOf(res).code, 'PAYLOAD_TOO_LARGE')
  t.equal(calls.length, 0)
})

t.test('an unexpected error is a 500 with no message, stack or path from inside', async (t) => {
  const { app } = build()
  const res = await app.inject('/boom')
  t.equal(res.statusCode, 500)
  t.same(res.json(), { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } })
  t.notMatch(res.body, /secret|srv|at /)
})

t.test('an unknown route is a 404 in the error model', async (t) => {
  const { app } = build()
  const res = await app.inject('/nope?x=1')
  t.equal(res.statusCode, 404)
  t.same(errorOf(res), { code: 'NOT_FOUND', message: 'Route GET /nope not found' })
})

/** A log destination that keeps every line, parsed. */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, stream }
}

t.test('the request id comes from x-request-id, is echoed, and is on every log line of the request', async (t) => {
  const { lines, stream } = captureLogs()
  const { app } = build({ stream })
  const res = await app.inject({ url: '/search?page=1', headers: { 'x-request-id': 'req-abc.123' } })
  t.equal(res.headers['x-request-id'], 'req-abc.123')
  const requestLines = lines.filter((l) => 'req' in l || 'res' in l)
  t.ok(requestLines.length > 0 && requestLines.every((l) => l.request_id === 'req-abc.123'))
})

t.test('a request is logged in one line: its route, status and time, under its request id', async (t) => {
  const { lines, stream } = captureLogs()
  const { app } = build({ stream })
  await app.inject({ url: '/search?page=1', headers: { 'x-request-id': 'req-one' } })
  const mine = lines.filter((l) => l.request_id === 'req-one')
  t.equal(mine.length, 1, 'one line, not an incoming and a completed one')
  t.match(mine[0], { msg: 'request completed', req: { method: 'GET', url: '/search?page=1' }, res: { statusCode: 200 } })
  t.type(mine[0]?.responseTime, 'number')
})

t.test('an unsafe x-request-id is replaced by a generated one', async (t) => {
  const { app } = build()
  const res = await app.inject({ url: '/health', headers: { 'x-request-id': 'bad id\twith spaces' } })
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('a call without the service token gets 401', async (t) => {
  const { app } = build()
  const res = await app.inject('/private')
  t.equal(res.statusCode, 401)
  t.equal(errorOf(res).code, 'UNAUTHORIZED')
})

t.test('a call with a wrong service token gets 401, with the right one 200', async (t) => {
  const { app } = build()
  t.equal((await app.inject({ url: '/private', headers: { 'x-service-token': 'wrong' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/private', headers: { 'x-service-token': TEST_SERVICE_TOKEN } })).statusCode, 200)
})

t.test('the OpenAPI document lists every route with its schemas', async (t) => {
  const { app } = build()
  await app.ready()
  const spec = (await app.inject('/openapi.json')).json()
  t.equal(spec.openapi, '3.1.0')
  t.equal(spec.info.title, 'widget')
  t.ok(spec.paths['/widgets'].post.requestBody, 'body schema')
  t.ok(
    spec.paths['/search'].get.parameters.some((p: { name: string }) => p.name === 'page'),
    'query schema',
  )
  t.ok(spec.paths['/health'].get.responses['200'], '/health is documented')
  t.notOk(spec.paths['/openapi.json'], 'the document itself is hidden')
  t.ok(spec.components.securitySchemes.serviceToken)
})

t.test("the router's and the HTTP parser's refusals answer in the error model too", async (t) => {
  const app = createServiceApp({ name: 'edges', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 }, logger: false })
  app.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  t.equal((await app.inject(`/items/${'a'.repeat(128)}`)).statusCode, 200, 'a 128-character id, as the contracts allow, is routed')
  const long = await app.inject(`/items/${'a'.repeat(300)}`)
  t.equal(long.statusCode, 414)
  t.match(long.json(), { error: { code: 'URI_TOO_LONG', message: String } })
  const escape = await app.inject('/items/%ZZ')
  t.equal(escape.statusCode, 400)
  t.match(escape.json(), { error: { code: 'BAD_REQUEST', message: String } })
  const res = await fetch(`${url}/items/1`, { headers: { 'x-big': 'x'.repeat(20_000) } })
  t.equal(res.status, 431)
  t.same(await res.json(), { error: { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' } })
})
