import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { auth, build, simulationBody, userId } from './helper.ts'

t.test('20 concurrent Monte Carlo requests are all answered while the event loop stays mostly idle and /health answers', async (t) => {
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
  const loopBefore = performance.eventLoopUtilization()
  let healthAnswered = 0
  const probing = (async () => {
    while (pending > 0) {
      const res = await fetch(`${url}/health`)
      await res.arrayBuffer()
      if (res.status !== 200) t.fail(`/health answered ${res.status}`)
      if (pending > 0) healthAnswered += 1
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
  const loop = performance.eventLoopUtilization(performance.eventLoopUtilization(), loopBefore)
  t.ok(healthAnswered >= 10, `${healthAnswered} /health calls answered while the studies ran`)
  // The share of the time this process's event loop was busy, not a latency: with the studies moved
  // onto it, it was busy 99% of the time; in the worker pool about 37% (serialising, storing, the
  // probes), more on a loaded machine. Three quarters separates the two with room on both sides.
  t.ok(loop.utilization < 0.75, `event loop busy ${(loop.utilization * 100).toFixed(0)}% of the ${(loop.active + loop.idle).toFixed(0)} ms`)
})
