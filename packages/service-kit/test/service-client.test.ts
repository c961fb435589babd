import t from 'tap'
import { createServer, type AddressInfo } from 'node:net'
import Type from 'typebox'
import { createServiceApp } from '../src/app.ts'
import { withExtras } from '../src/errors.ts'
import { requireServiceToken } from '../src/service-auth.ts'
import { callOutcome, createServiceClient, timedOut } from '../src/service-client.ts'
import { TEST_SERVICE_TOKEN } from '../src/testing.ts'

async function callee(t: { teardown(fn: () => unknown): void }) {
  const app = createServiceApp({ name: 'callee', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 }, logger: false })
  app.addHook('onRequest', requireServiceToken({ caller: TEST_SERVICE_TOKEN }))
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

t.test('a wrong service token is a 502 DEPENDENCY_UNAVAILABLE, never a 401 a frontend would take for "log in again"', async (t) => {
  const client = createServiceClient({ name: 'callee', baseUrl: await callee(t), serviceToken: 'wrong-token-wrong-token' })
  const err = await client.call({ method: 'POST', path: '/echo', body: { n: 1 } }).catch((e: unknown) => e)
  t.match(err, { statusCode: 502, code: 'DEPENDENCY_UNAVAILABLE', message: 'A service this request needs is unavailable' })
  t.equal(callOutcome(err), 'answered')
})

t.test('a call tells the callee how long it may take, and says what a failure means for its work', async (t) => {
  const app = createServiceApp({ name: 'callee', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 }, logger: false })
  app.get('/budget', async (request) => ({ budget: request.headers['x-request-budget-ms'], left: request.deadline - Date.now() }))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const client = createServiceClient({ name: 'callee', baseUrl: url, serviceToken: TEST_SERVICE_TOKEN, timeoutMs: 2_000 })
  const capped = await client.call<{ budget: string; left: number }>({ method: 'GET', path: '/budget' })
  t.ok(Number(capped.budget) < 2_000 && Number(capped.budget) >= 1_800, `the client's own timeout, less a margin: ${capped.budget}`)
  const tight = await client.call<{ budget: string; left: number }>({ method: 'GET', path: '/budget', deadline: Date.now() + 600 })
  t.ok(Number(tight.budget) < 600, `a nearer deadline wins: ${tight.budget}`)
  t.ok(tight.left <= Number(tight.budget), 'and becomes the callee deadline')
  const late = await client.call({ method: 'GET', path: '/budget', deadline: Date.now() }).catch((e: unknown) => e)
  t.match(late, { statusCode: 504, code: 'DEADLINE_EXCEEDED' })
  t.equal(callOutcome(late), 'not_sent', 'no time left: not even sent')
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const refused = createServiceClient({ name: 'gone', baseUrl: `http://127.0.0.1:${port}`, serviceToken: TEST_SERVICE_TOKEN })
  t.equal(callOutcome(await refused.call({ method: 'GET', path: '/x' }).catch((e: unknown) => e)), 'not_sent', 'a refused connection')
  const slow = createServiceClient({ name: 'callee', baseUrl: await callee(t), serviceToken: TEST_SERVICE_TOKEN, timeoutMs: 100 })
  const timedOutErr = await slow.call({ method: 'GET', path: '/slow' }).catch((e: unknown) => e)
  t.equal(callOutcome(timedOutErr), 'unknown', 'a timeout: the callee may still do the work')
  t.ok(timedOut(timedOutErr))
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
