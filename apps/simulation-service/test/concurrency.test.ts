import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, build, simulationBody, userId } from './helper.ts'

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Infinity

t.test('20 concurrent Monte Carlo requests are all answered while /health keeps answering in under 100 ms', async (t) => {
  const { app } = await build(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  let pending = 20
  // Twenty users, one request each: within the queue's size and each user's share of it.
  const runs = Array.from({ length: 20 }, async (_, i) => {
    const res = await fetch(`${url}/users/${userId()}/simulations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(simulationBody('monte_carlo', { runs: 400, seed: i })),
    })
    const body = (await res.json()) as { simulation_id: string }
    pending -= 1
    return { status: res.status, body }
  })
  const during: number[] = []
  const probing = (async () => {
    while (pending > 0) {
      const started = performance.now()
      const res = await fetch(`${url}/health`)
      await res.arrayBuffer()
      if (res.status !== 200) t.fail(`/health answered ${res.status}`)
      if (pending > 0) during.push(performance.now() - started)
      await sleep(25)
    }
  })()
  const answers = await Promise.all(runs)
  await probing
  t.same(
    answers.map((a) => a.status),
    Array(20).fill(201),
    'all 20 answered and stored',
  )
  t.equal(new Set(answers.map((a) => a.body.simulation_id)).size, 20, '20 distinct simulations')
  t.ok(during.length >= 10, `${during.length} /health calls while the studies ran`)
  // With the studies on the event loop, every call made during them would wait for whole studies
  // (hundreds of ms each). Nine in ten must answer in under 100 ms: the rest is left to the CPU
  // scheduler of a shared 2-core machine (DynamoDB Local, the worker and other test files compete).
  const sorted = [...during].sort((a, b) => a - b)
  const p50 = quantile(sorted, 0.5)
  const p90 = quantile(sorted, 0.9)
  t.ok(p90 < 100, `/health p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, slowest ${sorted.at(-1)?.toFixed(1)} ms`)
})
