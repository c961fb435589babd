import t from 'tap'
import Type from 'typebox'
import { createServiceApp } from '../src/app.ts'
import { withExtras } from '../src/errors.ts'
import { requireServiceToken } from '../src/service-auth.ts'
import { createServiceClient } from '../src/service-client.ts'
import { TEST_SERVICE_TOKEN } from '../src/testing.ts'

async function callee(t: { teardown(fn: () => unknown): void }) {
  const app = createServiceApp({ name: 'callee', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 }, logger: false })
  app.addHook('onRequest', requireServiceToken(TEST_SERVICE_TOKEN))
  app.post('/echo', { schema: { body: Type.Object({ n: Type.Integer() }) } }, async (request) => ({
    n: request.body.n,
    request_id: request.id,
  }))
  app.get('/limited', async () => {
    throw withExtras(Object.assign(new Error('Daily limit reached'), { code: 'QUOTA_EXCEEDED', statusCode: 429 }), {
      details: { limit_value: 5 },
      headers: { 'retry-after': '42' },
    })
  })
  app.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve({}), 1_000)))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return url
}

t.test('a call carries the service token and the request id, and returns the body', async (t) => {
  const client = createServiceClient({ name: 'callee', baseUrl: await callee(t), serviceToken: TEST_SERVICE_TOKEN })
  t.same(await client.call({ method: 'POST', path: '/echo', body: { n: 3 }, requestId: 'req-1' }), { n: 3, request_id: 'req-1' })
})

t.test('the callee 4xx comes back as the same code, status, details and Retry-After', async (t) => {
  const client = createServiceClient({ name: 'callee', baseUrl: await callee(t), serviceToken: TEST_SERVICE_TOKEN })
  await t.rejects(client.call({ method: 'GET', path: '/limited' }), {
    code: 'QUOTA_EXCEEDED',
    statusCode: 429,
    message: 'Daily limit reached',
    details: { limit_value: 5 },
    headers: { 'retry-after': '42' },
  })
})

t.test('a wrong service token surfaces as the callee 401', async (t) => {
  const client = createServiceClient({ name: 'callee', baseUrl: await callee(t), serviceToken: 'wrong-token-wrong-token' })
  await t.rejects(client.call({ method: 'POST', path: '/echo', body: { n: 1 } }), { statusCode: 401, code: 'UNAUTHORIZED' })
})

t.test('a callee that is not running is a 503 DEPENDENCY_UNAVAILABLE naming it', async (t) => {
  const client = createServiceClient({ name: 'usage-service', baseUrl: 'http://127.0.0.1:9', serviceToken: TEST_SERVICE_TOKEN })
  await t.rejects(client.call({ method: 'GET', path: '/x' }), { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: /usage-service/ })
})

t.test('a callee slower than the timeout is a 503, not a hang', async (t) => {
  const client = createServiceClient({ name: 'callee', baseUrl: await callee(t), serviceToken: TEST_SERVICE_TOKEN, timeoutMs: 100 })
  const started = Date.now()
  await t.rejects(client.call({ method: 'GET', path: '/slow' }), { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' })
  t.ok(Date.now() - started < 900)
})
