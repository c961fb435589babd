import t from 'tap'
import { auth, build, userId } from './helper.ts'

t.test('200 concurrent consumes at a limit of 50 over real HTTP grant exactly 50', async (t) => {
  const { app } = await build(t)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const user = userId()
  const statuses = await Promise.all(
    Array.from({ length: 200 }, async () => {
      const res = await fetch(`${url}/users/${user}/usage/consume`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ feature: 'simulation_run', limit: 50 }),
      })
      await res.arrayBuffer()
      return res.status
    }),
  )
  t.equal(statuses.filter((s) => s === 200).length, 50, 'granted')
  t.equal(statuses.filter((s) => s === 429).length, 150, 'refused')
  const day = (await (await fetch(`${url}/users/${user}/usage`, { headers: auth })).json()) as { features: Array<{ usage_count: number }> }
  t.equal(day.features[0]?.usage_count, 50, 'the stored count is the limit, not more')
})
