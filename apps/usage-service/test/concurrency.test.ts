import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { auth, build, userId } from './helper.ts'

// A 503 with Retry-After is the service's contract for "not done, ask again" (on a loaded machine a
// burst of new connections to DynamoDB Local can time out); a client honours it and retries.
const RETRIES = 5
const RETRY_WAIT_MS = 500

t.test('200 concurrent consumes at a limit of 50 over real HTTP grant exactly 50', async (t) => {
  const { app } = await build(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const user = userId()
  const asked: number[] = []
  const consume = async (): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${url}/users/${user}/usage/consume`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ feature: 'simulation_run', limit: 50 }),
      })
      await res.arrayBuffer()
      asked.push(res.status)
      if (res.status !== 503 || !res.headers.get('retry-after') || attempt === RETRIES) return res.status
      await sleep(RETRY_WAIT_MS)
    }
  }
  const statuses = await Promise.all(Array.from({ length: 200 }, consume))
  const tally = JSON.stringify(countBy(asked))
  t.equal(statuses.filter((s) => s === 200).length, 50, `granted (every answer: ${tally})`)
  t.equal(statuses.filter((s) => s === 429).length, 150, `refused (every answer: ${tally})`)
  const day = (await (await fetch(`${url}/users/${user}/usage`, { headers: auth })).json()) as { features: Array<{ usage_count: number }> }
  t.equal(day.features[0]?.usage_count, 50, 'the stored count is the limit, not more')
})

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
