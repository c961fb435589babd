import t from 'tap'
import { monotonicFactory } from 'ulid'
import { errorOf } from '@f1/service-kit/testing'
import { auth, build, userId } from './helper.ts'

const newId = monotonicFactory()
type App = Awaited<ReturnType<typeof build>>['app']

const MC = [
  { feature: 'simulation_run', amount: 1, limit: 5 },
  { feature: 'monte_carlo_run', amount: 300, limit: 1000 },
]

const charge = (app: App, user: string, body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `/users/${user}/charges`, headers: auth, payload: body })
const act = (app: App, user: string, id: string, action: 'commit' | 'refund') =>
  app.inject({ method: 'POST', url: `/users/${user}/charges/${id}/${action}`, headers: auth, payload: {} })

async function counts(app: App, user: string): Promise<Record<string, number>> {
  const day = (await app.inject({ url: `/users/${user}/usage`, headers: auth })).json<{
    features: Array<{ feature: string; usage_count: number }>
  }>()
  return Object.fromEntries(day.features.map((f) => [f.feature, f.usage_count]))
}

t.test('a charge counts every line within its limit and records what it counted', async (t) => {
  const now = new Date('2026-11-26T10:00:00.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  const id = newId()
  const res = await charge(app, user, { charge_id: id, lines: MC, hold_ms: 60_000 })
  t.equal(res.statusCode, 201)
  t.same(res.json(), {
    charge_id: id,
    status: 'held',
    lines: [
      { feature: 'simulation_run', amount: 1, date: '2026-11-26' },
      { feature: 'monte_carlo_run', amount: 300, date: '2026-11-26' },
    ],
    held_until: '2026-11-26T10:01:00.000Z',
    created_at: '2026-11-26T10:00:00.000Z',
    settled_at: null,
  })
  t.same(await counts(app, user), { simulation_run: 1, monte_carlo_run: 300 })
})

t.test('a charge with one line over its limit counts nothing at all and answers 429 naming that feature', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await charge(app, user, { charge_id: newId(), lines: [{ feature: 'monte_carlo_run', amount: 900, limit: 1000 }] })
  const res = await charge(app, user, { charge_id: newId(), lines: MC, hold_ms: 60_000 })
  t.equal(res.statusCode, 429)
  t.ok(res.headers['retry-after'])
  t.match(errorOf(res), {
    code: 'QUOTA_EXCEEDED',
    details: { feature: 'monte_carlo_run', usage_count: 900, limit_value: 1000, requested: 300 },
  })
  t.same(await counts(app, user), { monte_carlo_run: 900 }, 'simulation_run was not counted either')
})

t.test('20 concurrent creates of one charge id count it once', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const id = newId()
  const answers = await Promise.all(Array.from({ length: 20 }, () => charge(app, user, { charge_id: id, lines: MC, hold_ms: 60_000 })))
  t.same(answers.map((r) => r.statusCode).sort(), [...Array(19).fill(200), 201])
  t.ok(answers.filter((r) => r.statusCode === 200).every((r) => r.headers['idempotent-replayed'] === 'true'))
  t.same(await counts(app, user), { simulation_run: 1, monte_carlo_run: 300 })
})

t.test('200 concurrent charges at a limit of 50 grant exactly 50', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const answers = await Promise.all(
    Array.from({ length: 200 }, () =>
      charge(app, user, { charge_id: newId(), lines: [{ feature: 'simulation_run', amount: 1, limit: 50 }] }),
    ),
  )
  t.equal(answers.filter((r) => r.statusCode === 201).length, 50)
  // Transactions on one item conflict instead of queueing: a few may give up with a 503 to retry.
  const others = answers.filter((r) => r.statusCode !== 201)
  t.ok(
    others.every((r) => r.statusCode === 429 || (r.statusCode === 503 && r.headers['retry-after'])),
    'the rest are refused (429) or asked to retry (503)',
  )
  t.same(await counts(app, user), { simulation_run: 50 })
})

t.test('one charge id with other features or amounts is a 409 and counts nothing', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const id = newId()
  await charge(app, user, { charge_id: id, lines: [{ feature: 'simulation_run', amount: 1, limit: 5 }] })
  const res = await charge(app, user, { charge_id: id, lines: [{ feature: 'monte_carlo_run', amount: 1000, limit: 1000 }] })
  t.equal(res.statusCode, 409)
  t.equal(errorOf(res).code, 'CHARGE_ID_REUSED')
  t.same(await counts(app, user), { simulation_run: 1 })
})

t.test('a refund gives back exactly what the charge counted, once, however often it is asked', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const id = newId()
  await charge(app, user, { charge_id: id, lines: MC, hold_ms: 60_000 })
  const answers = await Promise.all(Array.from({ length: 20 }, () => act(app, user, id, 'refund')))
  t.ok(answers.every((r) => r.statusCode === 200 && r.json().status === 'refunded'))
  t.equal(answers.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'one refund gave back; the rest replayed')
  t.same(await counts(app, user), { simulation_run: 0, monte_carlo_run: 0 })
})

t.test('a committed charge is never refunded: its result is stored', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const id = newId()
  await charge(app, user, { charge_id: id, lines: MC, hold_ms: 60_000 })
  t.equal((await act(app, user, id, 'commit')).json().status, 'committed')
  t.equal((await act(app, user, id, 'commit')).headers['idempotent-replayed'], 'true', 'a second commit is a replay')
  const res = await act(app, user, id, 'refund')
  t.equal(res.statusCode, 409)
  t.equal(errorOf(res).code, 'CHARGE_COMMITTED')
  t.same(await counts(app, user), { simulation_run: 1, monte_carlo_run: 300 })
})

t.test('a charge made without a hold is committed at once', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const id = newId()
  t.equal((await charge(app, user, { charge_id: id, lines: MC })).json().status, 'committed')
  t.equal((await act(app, user, id, 'refund')).statusCode, 409)
})

t.test('commit and refund racing on 20 charges: each ends committed or refunded, and the counters agree', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const ids = Array.from({ length: 20 }, () => newId())
  for (const id of ids)
    await charge(app, user, { charge_id: id, lines: [{ feature: 'monte_carlo_run', amount: 10, limit: 10_000 }], hold_ms: 60_000 })
  await Promise.all(ids.flatMap((id) => [act(app, user, id, 'commit'), act(app, user, id, 'refund')]))
  const states = await Promise.all(
    ids.map(async (id) => (await app.inject({ url: `/users/${user}/charges/${id}`, headers: auth })).json().status),
  )
  t.ok(
    states.every((s) => s === 'committed' || s === 'refunded'),
    states.join(','),
  )
  t.same(await counts(app, user), { monte_carlo_run: 10 * states.filter((s) => s === 'committed').length })
})

t.test('a refund that comes before its charge voids the id: the late charge is refused and counts nothing', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const id = newId()
  const refund = await act(app, user, id, 'refund')
  t.equal(refund.statusCode, 200)
  t.equal(refund.json().status, 'void')
  const late = await charge(app, user, { charge_id: id, lines: MC, hold_ms: 60_000 })
  t.equal(late.statusCode, 409)
  t.equal(errorOf(late).code, 'CHARGE_REFUNDED')
  t.same(await counts(app, user), {})
})

t.test("refunding another user's charge id gives nothing back to anyone", async (t) => {
  const { app } = await build(t)
  const victim = userId()
  const attacker = userId()
  const id = newId()
  await charge(app, victim, { charge_id: id, lines: MC, hold_ms: 60_000 })
  await charge(app, attacker, { charge_id: newId(), lines: MC, hold_ms: 60_000 })
  t.equal((await act(app, attacker, id, 'refund')).json().status, 'void')
  t.same(await counts(app, attacker), { simulation_run: 1, monte_carlo_run: 300 })
  t.same(await counts(app, victim), { simulation_run: 1, monte_carlo_run: 300 })
})

t.test('a counter that went lower than the line (expired) is refunded to zero, never below', async (t) => {
  const { app, tables } = await build(t)
  const user = userId()
  const id = newId()
  await charge(app, user, { charge_id: id, lines: MC, hold_ms: 60_000 })
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb')
  const day = new Date().toISOString().slice(0, 10)
  await tables!.doc.send(
    new UpdateCommand({
      TableName: tables!.names.usage,
      Key: { user_id: user, feature_date_key: `monte_carlo_run_${day}` },
      UpdateExpression: 'SET usage_count = :c',
      ExpressionAttributeValues: { ':c': 120 },
    }),
  )
  t.equal((await act(app, user, id, 'refund')).json().status, 'refunded')
  t.same(await counts(app, user), { simulation_run: 0, monte_carlo_run: 0 })
})

t.test('past its hold a charge can no longer be committed, and the sweeper refunds it once', async (t) => {
  let now = new Date('2026-11-26T10:00:00.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  const expired = newId()
  const committed = newId()
  const young = newId()
  await charge(app, user, { charge_id: expired, lines: [{ feature: 'simulation_run', amount: 1, limit: 5 }], hold_ms: 1_000 })
  await charge(app, user, { charge_id: committed, lines: [{ feature: 'simulation_run', amount: 1, limit: 5 }], hold_ms: 1_000 })
  await act(app, user, committed, 'commit')
  now = new Date('2026-11-26T10:00:10.000Z')
  await charge(app, user, { charge_id: young, lines: [{ feature: 'simulation_run', amount: 1, limit: 5 }], hold_ms: 60_000 })
  const late = await act(app, user, expired, 'commit')
  t.equal(late.statusCode, 409)
  t.equal(errorOf(late).code, 'CHARGE_EXPIRED')
  t.equal(await app.sweepExpiredCharges(), 1, 'one charge refunded')
  t.equal(await app.sweepExpiredCharges(), 0, 'and only once')
  const status = async (id: string) => (await app.inject({ url: `/users/${user}/charges/${id}`, headers: auth })).json().status
  t.same([await status(expired), await status(committed), await status(young)], ['refunded', 'committed', 'held'])
  t.same(await counts(app, user), { simulation_run: 2 })
})

t.test('a retried create of a held charge extends its hold instead of counting again', async (t) => {
  let now = new Date('2026-11-26T10:00:00.000Z')
  const { app } = await build(t, { now: () => now })
  const user = userId()
  const id = newId()
  await charge(app, user, { charge_id: id, lines: MC, hold_ms: 5_000 })
  now = new Date('2026-11-26T10:00:04.000Z')
  const retry = await charge(app, user, { charge_id: id, lines: MC, hold_ms: 5_000 })
  t.equal(retry.statusCode, 200)
  t.equal(retry.json().held_until, '2026-11-26T10:00:09.000Z')
  t.same(await counts(app, user), { simulation_run: 1, monte_carlo_run: 300 })
})

t.test('a feature named twice in one charge is a 400 and counts nothing', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const res = await charge(app, user, {
    charge_id: newId(),
    lines: [
      { feature: 'simulation_run', amount: 1, limit: 5 },
      { feature: 'simulation_run', amount: 1, limit: 5 },
    ],
  })
  t.equal(res.statusCode, 400)
  t.same(await counts(app, user), {})
})

t.test('charge ids that are not ULIDs are refused', async (t) => {
  const { app } = await build(t)
  for (const id of ['req-1', '../../x', 'Z'.repeat(27), '01jd0000000000000000000000']) {
    const res = await charge(app, userId(), { charge_id: id, lines: MC })
    t.equal(res.statusCode, 400, id)
  }
})
