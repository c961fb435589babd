import t from 'tap'
import { refundKey } from '@f1/contracts/usage'
import { BUS_SECRET, auth, build, userId } from './helper.ts'

const NOW = new Date('2026-11-26T15:00:00.000Z')

function simulationFailed(user: string, correlationId: string, id = 'evt-sim-failed-1') {
  return {
    version: '0',
    id,
    'detail-type': 'Simulation Failed',
    source: 'f1.simulations',
    account: '0',
    time: NOW.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      user_id: user,
      occurred_at: NOW.toISOString(),
      correlation_id: correlationId,
      version: 1,
      simulation_id: null,
      track_id: 'monza',
      mode: 'monte_carlo',
      error_code: 'ENGINE_FAILED',
      quota: [
        { feature: 'simulation_run', amount: 1, date: '2026-11-26' },
        { feature: 'monte_carlo_run', amount: 300, date: '2026-11-26' },
      ],
    },
  }
}

t.test("a Simulation Failed event gives its quota back once, even delivered twice and after the gateway's own refund", async (t) => {
  const { app } = await build(t, { now: () => NOW })
  const user = userId()
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload })
  await post(`/users/${user}/usage/consume`, { feature: 'simulation_run', limit: 5 })
  await post(`/users/${user}/usage/consume`, { feature: 'monte_carlo_run', amount: 300, limit: 1000 })
  // The gateway refunded simulation_run itself under the shared key before the event arrived.
  await post(
    `/users/${user}/usage/refund`,
    { feature: 'simulation_run', amount: 1, date: '2026-11-26' },
    { 'idempotency-key': refundKey('req-sim-1', 'simulation_run') },
  )
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'x-bus-secret': BUS_SECRET },
      payload: simulationFailed(user, 'req-sim-1'),
    })
    t.same(res.json(), { status: 'processed' })
  }
  const day = (await app.inject({ url: `/users/${user}/usage?date=2026-11-26`, headers: auth })).json() as {
    features: Array<{ feature: string; usage_count: number }>
  }
  t.same(
    day.features.map((f) => [f.feature, f.usage_count]),
    [
      ['simulation_run', 0],
      ['monte_carlo_run', 0],
    ],
  )
})
