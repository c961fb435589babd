import t from 'tap'
import { auth, build, operation, simulationBody, userId } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

const post = (url: string, user: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${url}/users/${user}/simulations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

/** Waits until the queue holds `admitted` requests (they are admitted before they run). */
async function until(built: Built, test: (stats: { admitted: number; running: number; waiting: number }) => boolean) {
  while (!test(built.app.workQueue.stats())) await new Promise((resolve) => setTimeout(resolve, 5))
}

t.test('a full queue answers 503 SIMULATION_BUSY with Retry-After before anything is charged', async (t) => {
  const built = await build(t, { env: { SIMULATION_CONCURRENCY: '1', SIMULATION_QUEUE_SIZE: '2', SIMULATION_QUEUE_PER_USER: '2' } })
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const user = userId()
  const long = () =>
    simulationBody('monte_carlo', { runs: 3_000, operation: operation([{ feature: 'monte_carlo_run', amount: 3_000, limit: 100_000 }]) })
  const first = post(url, user, long())
  const second = post(url, user, long())
  await until(built, (s) => s.admitted === 2)
  const refused = operation([{ feature: 'simulation_run', amount: 1, limit: 5 }])
  const newcomer = userId()
  const res = await post(url, newcomer, simulationBody('single', { operation: refused }))
  t.equal(res.status, 503)
  const body = (await res.json()) as { error: { code: string } }
  t.equal(body.error.code, 'SIMULATION_BUSY')
  t.ok(Number(res.headers.get('retry-after')) >= 1, `Retry-After ${res.headers.get('retry-after')}`)
  t.equal(await built.chargeStatus(newcomer, refused.id), 'none', 'no charge was made for the refused request')
  t.same(await built.counts(newcomer), {})
  t.same(
    (await Promise.all([first, second])).map((r) => r.status),
    [201, 201],
  )
})

t.test("one user's burst waits behind nobody else's single request: free slots go to users in turn", async (t) => {
  const built = await build(t, { env: { SIMULATION_CONCURRENCY: '1', SIMULATION_QUEUE_SIZE: '10', SIMULATION_QUEUE_PER_USER: '4' } })
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const busy = userId('busy')
  const other = userId('other')
  const finished: string[] = []
  const body = () => simulationBody('monte_carlo', { runs: 300 })
  const burst = Array.from({ length: 4 }, async (_, i) => {
    await post(url, busy, body())
    finished.push(`busy-${i}`)
  })
  await until(built, (s) => s.admitted === 4)
  const single = (async () => {
    await post(url, other, body())
    finished.push('other')
  })()
  await Promise.all([...burst, single])
  // One slot: the burst's first runs, then the users take turns, so the other user is third, not fifth.
  t.same(finished, ['busy-0', 'busy-1', 'other', 'busy-2', 'busy-3'])
})

t.test('a user beyond their share of the queue gets 503 SIMULATION_BUSY while others still get in', async (t) => {
  const built = await build(t, { env: { SIMULATION_CONCURRENCY: '1', SIMULATION_QUEUE_SIZE: '10', SIMULATION_QUEUE_PER_USER: '1' } })
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const user = userId()
  const first = post(url, user, simulationBody('monte_carlo', { runs: 2_000 }))
  await until(built, (s) => s.admitted === 1)
  const again = await post(url, user, simulationBody('single'))
  t.equal(again.status, 503)
  const other = await post(url, userId(), simulationBody('single'))
  t.equal(other.status, 201)
  t.equal((await first).status, 201)
})
