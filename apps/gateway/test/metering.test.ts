// Attacks on metering through the gateway: headers that used to decide charges, Idempotency-Key
// misuse, refund minting. Everything over real HTTP between the apps, on DynamoDB Local.
import t from 'tap'
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { PLANS } from '@f1/plans'
import { errorOf } from '@f1/service-kit/testing'
import { HAM_SHANGHAI, bearer, build, meteredUsage, register, setPlan } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

const single = { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single', strategy: HAM_SHANGHAI }
const failing = {
  ...single,
  strategy: {
    stints: [
      { start_lap: 0, compound: 'A4', tire_age: 2 },
      { start_lap: 80, compound: 'A3', tire_age: 0 },
    ],
  },
}

const simulate = (built: Built, token: string, body: object, headers: Record<string, string> = {}) =>
  built.app.inject({ method: 'POST', url: '/api/simulations', headers: { ...bearer(token), ...headers }, payload: body })

const stored = async (built: Built) =>
  ((await built.tables.doc.send(new ScanCommand({ TableName: built.tables.names.simulations }))).Items ?? []).filter((i) => i.user_id)

t.test('twelve runs sent with one x-request-id are charged twelve times: a header never decides a charge', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const limit = PLANS.free.limits.simulation_run
  const answers = []
  for (let i = 0; i < 12; i++) answers.push((await simulate(built, user.token, single, { 'x-request-id': 'pin-1' })).statusCode)
  t.same(answers, [...Array(limit).fill(201), ...Array(12 - limit).fill(429)])
  t.same(await meteredUsage(built.app, user.token), { simulation_run: limit })
  t.equal((await stored(built)).length, limit)
})

t.test('resending an old x-request-id on a failing run refunds nothing that run did not charge', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  for (let i = 1; i <= 3; i++) t.equal((await simulate(built, user.token, single, { 'x-request-id': `req-${i}` })).statusCode, 201)
  const res = await simulate(built, user.token, failing, { 'x-request-id': 'req-1' })
  t.equal(res.statusCode, 400)
  t.same(await meteredUsage(built.app, user.token), { simulation_run: 3 }, 'the three stored runs stay charged')
})

t.test('a retry with the same Idempotency-Key and body answers the first result without running or charging again', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const first = await simulate(built, user.token, single, { 'idempotency-key': 'run-1' })
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotent-replayed'])
  // Same body, keys in another order: the same request.
  const reordered = { strategy: HAM_SHANGHAI, mode: 'single', driver: 'HAM', season: 2019, track_id: 'shanghai' }
  const again = await simulate(built, user.token, reordered, { 'idempotency-key': 'run-1' })
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())
  t.same(await meteredUsage(built.app, user.token), { simulation_run: 1 })
  t.equal((await stored(built)).length, 1)
})

t.test('an engine rejection is replayed for its key too: the verdict is the answer', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const first = await simulate(built, user.token, failing, { 'idempotency-key': 'bad-1' })
  const again = await simulate(built, user.token, failing, { 'idempotency-key': 'bad-1' })
  t.same([first.statusCode, again.statusCode], [400, 400])
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())
  t.same(await meteredUsage(built.app, user.token), {})
})

t.test('the same Idempotency-Key with another body is 422 IDEMPOTENCY_KEY_REUSED and runs nothing', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await simulate(built, user.token, single, { 'idempotency-key': 'k-1' })
  const res = await simulate(built, user.token, { ...single, driver: 'VET' }, { 'idempotency-key': 'k-1' })
  t.equal(res.statusCode, 422)
  t.equal(errorOf(res).code, 'IDEMPOTENCY_KEY_REUSED')
  t.same(await meteredUsage(built.app, user.token), { simulation_run: 1 })
  t.equal((await stored(built)).length, 1)
})

t.test('concurrent requests with one key never both run: one runs, the others get 409 or the replay', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const body = { ...single, mode: 'monte_carlo', runs: 400, seed: 5 }
  const answers = await Promise.all(Array.from({ length: 6 }, () => simulate(built, user.token, body, { 'idempotency-key': 'burst' })))
  const statuses = answers.map((r) => r.statusCode)
  t.equal(answers.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']).length, 1, statuses.join(','))
  for (const r of answers.filter((a) => a.statusCode === 409)) {
    t.equal(errorOf(r).code, 'IDEMPOTENCY_KEY_IN_USE')
    t.ok(Number(r.headers['retry-after']) >= 1)
  }
  t.ok(statuses.every((s) => s === 201 || s === 409))
  t.same(await meteredUsage(built.app, user.token), { simulation_run: 1, monte_carlo_run: 400 })
  t.equal((await stored(built)).length, 1)
})

t.test("keys are per user: another user's identical key and body run their own simulation", async (t) => {
  const built = await build(t)
  const a = await register(built.app)
  const b = await register(built.app)
  const ra = await simulate(built, a.token, single, { 'idempotency-key': 'shared' })
  const rb = await simulate(built, b.token, single, { 'idempotency-key': 'shared' })
  t.same([ra.statusCode, rb.statusCode], [201, 201])
  t.not(ra.json().simulation_id, rb.json().simulation_id)
  t.notOk(rb.headers['idempotent-replayed'])
  t.same(await meteredUsage(built.app, b.token), { simulation_run: 1 })
})

t.test('a refusal is not replayed: after an upgrade the same key runs the Monte Carlo study', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const body = { ...single, mode: 'monte_carlo', runs: 50 }
  t.equal((await simulate(built, user.token, body, { 'idempotency-key': 'mc-1' })).statusCode, 403)
  await setPlan(built.app, user.userId, 'pro')
  const res = await simulate(built, user.token, body, { 'idempotency-key': 'mc-1' })
  t.equal(res.statusCode, 201)
  t.notOk(res.headers['idempotent-replayed'])
})

t.test('the optimizer takes an Idempotency-Key: a retry replays the strategies and charges one strategy_compare', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const post = () =>
    built.app.inject({
      method: 'POST',
      url: '/api/strategies/optimize',
      headers: { ...bearer(user.token), 'idempotency-key': 'opt-1' },
      payload: { track_id: 'shanghai', season: 2019, driver: 'HAM' },
    })
  const first = await post()
  const again = await post()
  t.same([first.statusCode, again.statusCode], [200, 200])
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())
  t.same(await meteredUsage(built.app, user.token), { strategy_compare: 1 })
})

t.test('an Idempotency-Key that is not printable ASCII, or too long, is a 400 and runs nothing', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  for (const key of ['has space', 'x'.repeat(256), 'ünïcode']) {
    const res = await simulate(built, user.token, single, { 'idempotency-key': key })
    t.equal(res.statusCode, 400, JSON.stringify(key.slice(0, 20)))
  }
  t.same(await meteredUsage(built.app, user.token), {})
})

t.test('a key is kept for 24 hours, scoped to its user and route', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const before = Math.floor(Date.now() / 1000)
  await simulate(built, user.token, single, { 'idempotency-key': 'kept' })
  const { Item } = await built.tables.doc.send(
    new GetCommand({
      TableName: built.tables.names.gateway,
      Key: { user_id: user.userId, record_key: 'idempotency#POST /api/simulations#kept' },
    }),
  )
  t.match(Item, { status: 'completed', response_status: 201 })
  t.ok(Item!.expires_at >= before + 86_400 && Item!.expires_at <= before + 86_400 + 60, 'expires 24 h after it was made')
  t.ok(Item!.response_ref, 'a simulation is kept by reference, not copied')
})
