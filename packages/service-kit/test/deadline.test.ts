import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { createServiceApp } from '../src/app.ts'
import { currentDeadline, parseBudget, withoutDeadline } from '../src/deadline.ts'

function app(t: { teardown(fn: () => unknown): void }) {
  const service = createServiceApp({
    name: 'deadlines',
    config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 },
    logger: false,
    defaultBudgetMs: 5_000,
  })
  t.teardown(() => service.close())
  return service
}

t.test("a caller's budget shortens a route's but never extends it", async (t) => {
  const service = app(t)
  service.get('/default', async (request) => ({ left: request.deadline - Date.now() }))
  service.get('/long', { config: { budgetMs: 60_000 } }, async (request) => ({ left: request.deadline - Date.now() }))
  const left = async (url: string, budget?: string) =>
    (await service.inject({ url, headers: budget === undefined ? {} : { 'x-request-budget-ms': budget } })).json().left as number
  t.ok((await left('/default')) <= 5_000 && (await left('/default')) > 4_000, 'the app default')
  t.ok((await left('/long')) > 59_000, "the route's own")
  t.ok((await left('/long', '800')) <= 800, 'shortened by the caller')
  t.ok((await left('/default', '99999999')) <= 5_000, 'never extended by the caller')
  t.ok((await left('/default', '-5')) > 4_000, 'a budget that is not a positive integer is ignored')
})

t.test('code running for a request sees its deadline; clean-up run outside it does not', async (t) => {
  const service = app(t)
  service.get('/', async (request) => {
    await sleep(1)
    return { inside: currentDeadline() === request.deadline, outside: withoutDeadline(() => currentDeadline()) ?? null }
  })
  t.same((await service.inject('/')).json(), { inside: true, outside: null })
  t.equal(currentDeadline(), undefined, 'no deadline outside a request')
})

t.test('request.signal aborts at the deadline with DEADLINE_EXCEEDED, and when the caller hangs up', async (t) => {
  const service = app(t)
  let hungUp: unknown
  service.get('/wait', async (request) => {
    await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }))
    throw request.signal.reason
  })
  service.get('/hang', async (request) => {
    await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }))
    hungUp = request.signal.reason
    return {}
  })
  const res = await service.inject({ url: '/wait', headers: { 'x-request-budget-ms': '50' } })
  t.equal(res.statusCode, 504)
  t.equal(res.json().error.code, 'DEADLINE_EXCEEDED')
  const url = await service.listen({ port: 0, host: '127.0.0.1' })
  const controller = new AbortController()
  const call = fetch(`${url}/hang`, { signal: controller.signal })
  await sleep(100)
  controller.abort()
  await t.rejects(call)
  while (!hungUp) await sleep(10)
  t.match(hungUp, { code: 'CLIENT_GONE' })
})

t.test('budgets are parsed strictly', async (t) => {
  t.equal(parseBudget('1500'), 1500)
  for (const bad of [undefined, '', '0', '-1', '1e3', '12.5', ' 5', '9999999999', ['1', '2']])
    t.equal(parseBudget(bad as never), undefined, JSON.stringify(bad))
})
