import t from 'tap'
import { monotonicFactory } from 'ulid'
import { BUS_SECRET, auth, build, userId } from './helper.ts'

const newId = monotonicFactory()
const NOW = new Date('2026-11-26T15:00:00.000Z')
type App = Awaited<ReturnType<typeof build>>['app']

let eventCount = 0
function simulationFailed(user: string, detail: Record<string, unknown>) {
  eventCount += 1
  return {
    version: '0',
    id: `evt-sim-failed-${eventCount}`,
    'detail-type': 'Simulation Failed',
    source: 'f1.simulations',
    account: '0',
    time: NOW.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      event_id: newId(),
      user_id: user,
      occurred_at: NOW.toISOString(),
      correlation_id: 'req-sim-1',
      version: 2,
      simulation_id: null,
      track_id: 'monza',
      mode: 'monte_carlo',
      error_code: 'ENGINE_FAILED',
      ...detail,
    },
  }
}

const deliver = (app: App, event: object) =>
  app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': BUS_SECRET }, payload: event })

async function counts(app: App, user: string): Promise<Record<string, number>> {
  const day = (await app.inject({ url: `/users/${user}/usage?date=2026-11-26`, headers: auth })).json<{
    features: Array<{ feature: string; usage_count: number }>
  }>()
  return Object.fromEntries(day.features.map((f) => [f.feature, f.usage_count]))
}

async function held(app: App, user: string) {
  const id = newId()
  await app.inject({
    method: 'POST',
    url: `/users/${user}/charges`,
    headers: auth,
    payload: {
      charge_id: id,
      lines: [
        { feature: 'simulation_run', amount: 1, limit: 5 },
        { feature: 'monte_carlo_run', amount: 300, limit: 1000 },
      ],
      hold_ms: 60_000,
    },
  })
  return id
}

t.test('a Simulation Failed event refunds its charge once, even delivered twice and after a direct refund', async (t) => {
  const { app } = await build(t, { now: () => NOW })
  const user = userId()
  const id = await held(app, user)
  await app.inject({ method: 'POST', url: `/users/${user}/charges/${id}/refund`, headers: auth, payload: {} })
  for (let i = 0; i < 2; i++) t.same((await deliver(app, simulationFailed(user, { charge_id: id }))).json(), { status: 'processed' })
  t.same(await counts(app, user), { simulation_run: 0, monte_carlo_run: 0 })
})

t.test(
  'a forged Simulation Failed cannot mint quota: it gives back at most what the named charge counted, and nothing once committed',
  async (t) => {
    const { app } = await build(t, { now: () => NOW })
    const user = userId()
    const committed = await held(app, user)
    await app.inject({ method: 'POST', url: `/users/${user}/charges/${committed}/commit`, headers: auth, payload: {} })
    const other = await held(app, user)
    t.same(await counts(app, user), { simulation_run: 2, monte_carlo_run: 600 })

    // The committed charge's result is stored: an event naming it changes nothing.
    t.equal((await deliver(app, simulationFailed(user, { charge_id: committed }))).statusCode, 200)
    // A made-up charge id gives back nothing (it is recorded as void).
    t.equal((await deliver(app, simulationFailed(user, { charge_id: newId() }))).statusCode, 200)
    // Amounts in the event (the old shape) are not read: only a charge id is.
    const legacy = simulationFailed(user, { version: 1, quota: [{ feature: 'monte_carlo_run', amount: 100_000, date: '2026-11-26' }] })
    t.equal((await deliver(app, legacy)).statusCode, 200)
    t.same(await counts(app, user), { simulation_run: 2, monte_carlo_run: 600 }, 'nothing given back so far')

    // The held one: exactly its lines come back, and only once.
    for (let i = 0; i < 3; i++) await deliver(app, simulationFailed(user, { charge_id: other }))
    t.same(await counts(app, user), { simulation_run: 1, monte_carlo_run: 300 })
  },
)

t.test("a Simulation Failed naming another user's charge refunds nobody", async (t) => {
  const { app } = await build(t, { now: () => NOW })
  const victim = userId()
  const attacker = userId()
  const id = await held(app, victim)
  await held(app, attacker)
  await deliver(app, simulationFailed(attacker, { charge_id: id }))
  t.same(await counts(app, victim), { simulation_run: 1, monte_carlo_run: 300 })
  t.same(await counts(app, attacker), { simulation_run: 1, monte_carlo_run: 300 })
})

t.test('a Simulation Failed without a charge is only acknowledged', async (t) => {
  const { app } = await build(t, { now: () => NOW })
  t.same((await deliver(app, simulationFailed(userId(), {}))).json(), { status: 'processed' })
})
