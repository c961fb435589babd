import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, build, operation, simulationBody, userId } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

const MC_CHARGES = (runs: number) => [
  { feature: 'simulation_run', amount: 1, limit: 5 },
  { feature: 'monte_carlo_run', amount: runs, limit: 1_000_000 },
]

// These studies of 100,000 runs test synchronous runs: without this they would be jobs (above 20,000).
const SYNC = { SIMULATION_JOB_ABOVE_RUNS: '100000' }

const run = (built: Built, user: string, body: object, headers: Record<string, string> = {}) =>
  built.app.inject({ method: 'POST', url: `/users/${user}/simulations`, headers: { ...auth, ...headers }, payload: body })

/** Polls until `check` holds: the service settles after answering (refunds run after the abort). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read()
    if (check(value)) return value
    await sleep(20)
  }
}

t.test(
  'a run with an operation is charged and committed; the same operation again answers the stored simulation without running or charging twice',
  async (t) => {
    const built = await build(t)
    const user = userId()
    const op = operation(MC_CHARGES(50))
    const body = simulationBody('monte_carlo', { runs: 50, seed: 3, operation: op })
    const first = await run(built, user, body)
    t.equal(first.statusCode, 201)
    t.equal(first.json().simulation_id, op.id, "the operation's id is the simulation's")
    t.equal(await built.chargeStatus(user, op.id), 'committed')
    const again = await run(built, user, body)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.strictSame(again.json(), first.json())
    t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: 50 })
    t.equal((await built.app.inject({ url: `/users/${user}/simulations`, headers: auth })).json().simulations.length, 1)
  },
)

t.test("another user's operation id is refused and nothing of theirs is shown", async (t) => {
  const built = await build(t)
  const owner = userId()
  const op = operation()
  await run(built, owner, simulationBody('single', { operation: op }))
  const res = await run(built, userId(), simulationBody('single', { operation: op }))
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.code, 'OPERATION_ID_TAKEN')
  t.notMatch(res.body, /results/)
})

t.test('a run whose budget runs out stops, stores nothing and refunds its charge', async (t) => {
  const built = await build(t, { env: SYNC })
  const user = userId()
  const op = operation(MC_CHARGES(100_000))
  const started = Date.now()
  const res = await run(built, user, simulationBody('monte_carlo', { runs: 100_000, operation: op }), { 'x-request-budget-ms': '400' })
  t.equal(res.statusCode, 504)
  t.equal(res.json().error.code, 'DEADLINE_EXCEEDED')
  t.ok(Date.now() - started < 30_000, 'it stopped instead of running 100,000 races')
  t.equal(await built.chargeStatus(user, op.id), 'refunded')
  t.same(await built.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
  t.same((await built.rawRows(op.id)).length, 0, 'nothing stored')
})

t.test('a caller that hangs up stops its Monte Carlo run and gets its charge back', async (t) => {
  const built = await build(t, { env: SYNC })
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const user = userId()
  const op = operation(MC_CHARGES(100_000))
  const controller = new AbortController()
  const call = fetch(`${url}/users/${user}/simulations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(simulationBody('monte_carlo', { runs: 100_000, operation: op })),
    signal: controller.signal,
  })
  await eventually(
    () => built.chargeStatus(user, op.id),
    (s) => s === 'held',
  )
  controller.abort()
  await t.rejects(call)
  t.equal(
    await eventually(
      () => built.chargeStatus(user, op.id),
      (s) => s !== 'held',
    ),
    'refunded',
  )
  await eventually(
    () => Promise.resolve(built.app.workQueue.stats().admitted),
    (n) => n === 0,
  )
  t.same(await built.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
  t.same((await built.rawRows(op.id)).length, 0)
})

t.test('an operation whose charge was refunded cannot run again: 409, nothing charged or stored', async (t) => {
  const built = await build(t)
  const user = userId()
  const op = operation()
  await fetch(`${built.usageUrl}/users/${user}/charges/${op.id}/refund`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '{}',
  })
  const res = await run(built, user, simulationBody('single', { operation: op }))
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.code, 'CHARGE_REFUNDED')
  t.same(await built.counts(user), {})
  t.same((await built.rawRows(op.id)).length, 0)
})

t.test('on shutdown waiting work is refused at once and running work is aborted after its grace, both refunded', async (t) => {
  const built = await build(t, { env: { ...SYNC, SIMULATION_CONCURRENCY: '1', SHUTDOWN_TIMEOUT_MS: '2500' } })
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const user = userId()
  const running = operation(MC_CHARGES(100_000))
  const waiting = operation(MC_CHARGES(100_000))
  const post = (op: ReturnType<typeof operation>) =>
    fetch(`${url}/users/${user}/simulations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(simulationBody('monte_carlo', { runs: 100_000, operation: op })),
    })
  const first = post(running)
  await eventually(
    () => Promise.resolve(built.app.workQueue.stats().running),
    (n) => n === 1,
  )
  const second = post(waiting)
  await eventually(
    () => Promise.resolve(built.app.workQueue.stats().waiting),
    (n) => n === 1,
  )
  const closing = built.app.close()
  const [a, b] = await Promise.all([first, second])
  await closing
  t.same([a.status, b.status], [503, 503])
  t.same(
    [((await a.json()) as { error: { code: string } }).error.code, ((await b.json()) as { error: { code: string } }).error.code],
    ['SHUTTING_DOWN', 'SHUTTING_DOWN'],
  )
  t.same([await built.chargeStatus(user, running.id), await built.chargeStatus(user, waiting.id)], ['refunded', 'refunded'])
  t.same(await built.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
})

t.test('the sweeper shows a hidden result whose charge was committed and deletes one whose charge was refunded', async (t) => {
  // The service's clock runs a minute ahead, so the hidden results below are past their hold for its sweeper.
  const built = await build(t, { now: () => new Date(Date.now() + 60_000) })
  const user = userId()
  const charge = async (op: ReturnType<typeof operation>, action?: 'commit' | 'refund') => {
    await fetch(`${built.usageUrl}/users/${user}/charges`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ charge_id: op.id, lines: op.charges, hold_ms: 1_000 }),
    })
    if (action) {
      await fetch(`${built.usageUrl}/users/${user}/charges/${op.id}/${action}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      })
    }
  }
  // What a process that died between storing and showing (or between storing and committing) leaves behind.
  const hidden = async (op: ReturnType<typeof operation>) =>
    built.app.simulations.saveSimulation(
      {
        simulationId: op.id,
        userId: user,
        createdAt: new Date(),
        trackId: 'shanghai',
        season: 2019,
        mode: 'single',
        driver: 'HAM',
        strategyData: {},
        results: { race_time: 1 },
        totalTime: 1,
      },
      Date.now(),
    )
  const committed = operation()
  const refunded = operation()
  const abandoned = operation()
  await charge(committed, 'commit')
  await charge(refunded, 'refund')
  await charge(abandoned)
  for (const op of [committed, refunded, abandoned]) await hidden(op)
  const listed = async () => (await built.app.inject({ url: `/users/${user}/simulations`, headers: auth })).json().simulations
  t.same(await listed(), [], 'hidden results are not listed')
  t.same(await built.app.sweepPendingSimulations(), { shown: 1, discarded: 2 })
  t.same(
    (await listed()).map((s: { simulation_id: string }) => s.simulation_id),
    [committed.id],
  )
  t.equal(await built.chargeStatus(user, abandoned.id), 'refunded', 'the abandoned charge was refunded on the way')
  t.same((await built.rawRows(refunded.id)).length, 0)
  t.same(await built.app.sweepPendingSimulations(), { shown: 0, discarded: 0 }, 'nothing left to settle')
})
