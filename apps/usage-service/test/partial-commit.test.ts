// A partial commit (POST .../commit with lines): part of a held charge is committed, the rest given
// back to the counters the hold counted, in the transaction that commits it. Over real HTTP.
import t from 'tap'
import { monotonicFactory } from 'ulid'
import { auth, build, userId } from './helper.ts'

const newId = monotonicFactory()

const HELD = [
  { feature: 'simulation_run', amount: 1, limit: 100 },
  { feature: 'monte_carlo_run', amount: 30_000, limit: 1_000_000 },
]

interface Line {
  feature: string
  amount: number
  date: string
}
/** A charge as answered, or an error body (then only `error` is there). */
interface Answer {
  status: string
  held_until: string | null
  lines: Line[]
  committed_lines: Line[]
  returned_lines: Line[]
  error: { code: string }
}

interface Http {
  post(path: string, body: unknown): Promise<{ status: number; body: Answer; replayed: boolean }>
  counts(user: string): Promise<Record<string, number>>
  charge(user: string, id: string): Promise<Answer>
}

async function serve(t: Parameters<typeof build>[0], options: Parameters<typeof build>[1] = {}) {
  const built = await build(t, options)
  const url = await built.app.listen({ port: 0, host: '127.0.0.1' })
  const http: Http = {
    async post(path, body) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: res.status, body: (await res.json()) as Answer, replayed: res.headers.get('idempotent-replayed') === 'true' }
    },
    async counts(user) {
      const day = (await (await fetch(`${url}/users/${user}/usage`, { headers: auth })).json()) as {
        features: Array<{ feature: string; usage_count: number }>
      }
      return Object.fromEntries(day.features.map((f) => [f.feature, f.usage_count]))
    },
    async charge(user, id) {
      return (await (await fetch(`${url}/users/${user}/charges/${id}`, { headers: auth })).json()) as Answer
    },
  }
  return { ...built, http }
}
const held = (http: Http, user: string, id: string, holdMs = 60_000) =>
  http.post(`/users/${user}/charges`, { charge_id: id, lines: HELD, hold_ms: holdMs })
const commit = (http: Http, user: string, id: string, lines?: Array<{ feature: string; amount: number }>) =>
  http.post(`/users/${user}/charges/${id}/commit`, lines === undefined ? {} : { lines })
const KEEP = [
  { feature: 'simulation_run', amount: 1 },
  { feature: 'monte_carlo_run', amount: 7_300 },
]

t.test('a partial commit keeps exactly the units named and gives the rest back, once', async (t) => {
  const { http } = await serve(t)
  const user = userId()
  const other = newId()
  const id = newId()
  // Another charge on the same counters: only this one's unused part comes back.
  await http.post(`/users/${user}/charges`, { charge_id: other, lines: [{ feature: 'monte_carlo_run', amount: 500, limit: 100_000 }] })
  t.equal((await held(http, user, id)).status, 201)
  t.same(await http.counts(user), { simulation_run: 1, monte_carlo_run: 30_500 })

  const res = await commit(http, user, id, KEEP)
  t.equal(res.status, 200)
  t.equal(res.body.status, 'committed')
  t.equal(res.body.held_until, null)
  t.same(
    res.body.lines.map((l) => [l.feature, l.amount]),
    [
      ['simulation_run', 1],
      ['monte_carlo_run', 30_000],
    ],
    'lines stay what was held',
  )
  t.same(
    res.body.committed_lines.map((l) => [l.feature, l.amount]),
    [
      ['simulation_run', 1],
      ['monte_carlo_run', 7_300],
    ],
  )
  t.same(
    res.body.returned_lines.map((l) => [l.feature, l.amount]),
    [['monte_carlo_run', 22_700]],
  )
  t.equal(res.body.returned_lines[0]!.date, res.body.lines[1]!.date, 'given back to the day the hold counted')
  t.same(
    await http.counts(user),
    { simulation_run: 1, monte_carlo_run: 7_800 },
    'the counters hold the committed units (and the other charge)',
  )

  // Retries of the same partial commit, even many at once, give nothing back again.
  const retries = await Promise.all(Array.from({ length: 10 }, () => commit(http, user, id, KEEP)))
  t.ok(
    retries.every((r) => r.status === 200 && r.replayed && r.body.status === 'committed'),
    'replays',
  )
  t.same(await http.counts(user), { simulation_run: 1, monte_carlo_run: 7_800 })
  t.same(await http.charge(user, id), res.body, 'the charge records what was committed and what was given back')

  const other1 = await commit(http, user, id, [
    { feature: 'simulation_run', amount: 1 },
    { feature: 'monte_carlo_run', amount: 7_400 },
  ])
  t.equal(other1.status, 409)
  t.equal(other1.body.error.code, 'CHARGE_COMMIT_MISMATCH')
  const whole = await commit(http, user, id)
  t.equal(whole.status, 409, 'a whole commit after a partial one is another amount')
  t.equal(whole.body.error.code, 'CHARGE_COMMIT_MISMATCH')
  const refund = await http.post(`/users/${user}/charges/${id}/refund`, {})
  t.equal(refund.status, 409)
  t.equal(refund.body.error.code, 'CHARGE_COMMITTED')
  t.same(await http.counts(user), { simulation_run: 1, monte_carlo_run: 7_800 })
})

t.test('many partial commits and refunds racing: each charge is committed in part or refunded, and the counters agree', async (t) => {
  const { http } = await serve(t)
  const user = userId()
  const ids = Array.from({ length: 12 }, () => newId())
  for (const id of ids) t.equal((await held(http, user, id)).status, 201)
  await Promise.all(ids.flatMap((id) => [commit(http, user, id, KEEP), http.post(`/users/${user}/charges/${id}/refund`, {})]))
  const states = await Promise.all(ids.map(async (id) => (await http.charge(user, id)).status))
  t.ok(
    states.every((s) => s === 'committed' || s === 'refunded'),
    states.join(','),
  )
  const committed = states.filter((s) => s === 'committed').length
  t.same(await http.counts(user), { simulation_run: committed, monte_carlo_run: 7_300 * committed })
})

t.test('amounts a partial commit cannot take are a 400 and write nothing', async (t) => {
  const { http } = await serve(t)
  const user = userId()
  const id = newId()
  await held(http, user, id)
  const refused: Array<[string, unknown, string]> = [
    [
      'more than held',
      [
        { feature: 'simulation_run', amount: 1 },
        { feature: 'monte_carlo_run', amount: 30_001 },
      ],
      'INVALID_COMMIT',
    ],
    ['a feature left out', [{ feature: 'monte_carlo_run', amount: 10 }], 'INVALID_COMMIT'],
    [
      'a feature not charged',
      [
        { feature: 'simulation_run', amount: 1 },
        { feature: 'monte_carlo_run', amount: 1 },
        { feature: 'strategy_compare', amount: 0 },
      ],
      'INVALID_COMMIT',
    ],
    [
      'a feature twice',
      [
        { feature: 'simulation_run', amount: 1 },
        { feature: 'simulation_run', amount: 1 },
        { feature: 'monte_carlo_run', amount: 1 },
      ],
      'INVALID_COMMIT',
    ],
    [
      'a negative amount',
      [
        { feature: 'simulation_run', amount: 1 },
        { feature: 'monte_carlo_run', amount: -1 },
      ],
      'VALIDATION_FAILED',
    ],
    ['no lines at all', [], 'VALIDATION_FAILED'],
  ]
  for (const [what, lines, code] of refused) {
    const res = await commit(http, user, id, lines as never)
    t.equal(res.status, 400, what)
    t.equal(res.body.error.code, code, what)
  }
  const charge = await http.charge(user, id)
  t.equal(charge.status, 'held', 'still held')
  t.notOk('committed_lines' in charge)
  t.same(await http.counts(user), { simulation_run: 1, monte_carlo_run: 30_000 }, 'nothing given back')
  t.equal(
    (
      await commit(http, user, id, [
        { feature: 'simulation_run', amount: 0 },
        { feature: 'monte_carlo_run', amount: 0 },
      ])
    ).status,
    200,
    'zero of every line is a commit of nothing',
  )
  t.same(await http.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
})

t.test('a partial commit of every held unit is a whole commit', async (t) => {
  const { http } = await serve(t)
  const user = userId()
  const id = newId()
  await held(http, user, id)
  const res = await commit(
    http,
    user,
    id,
    HELD.map(({ feature, amount }) => ({ feature, amount })),
  )
  t.equal(res.status, 200)
  t.notOk('committed_lines' in res.body)
  t.equal((await commit(http, user, id)).replayed, true, 'a whole commit again is a replay')
  t.same(await http.counts(user), { simulation_run: 1, monte_carlo_run: 30_000 })
})

t.test('past its hold a partial commit is refused like a whole one, and the sweeper refunds the whole charge once', async (t) => {
  let now = new Date('2026-11-26T10:00:00.000Z')
  const { http, app } = await serve(t, { now: () => now })
  const user = userId()
  const late = newId()
  const inTime = newId()
  await held(http, user, late, 1_000)
  await held(http, user, inTime, 1_000)
  t.equal((await commit(http, user, inTime, KEEP)).status, 200)
  now = new Date('2026-11-26T10:00:10.000Z')
  const res = await commit(http, user, late, KEEP)
  t.equal(res.status, 409)
  t.equal(res.body.error.code, 'CHARGE_EXPIRED')
  t.equal(await app.sweepExpiredCharges(), 1, 'the late one is refunded')
  t.equal((await commit(http, user, late, KEEP)).body.error.code, 'CHARGE_REFUNDED', 'and stays refunded')
  t.same(
    await http.counts(user),
    { simulation_run: 1, monte_carlo_run: 7_300 },
    'what the partial commit kept, nothing of the refunded one',
  )
})

t.test('an unknown charge is a 404 and a refunded one a 409 CHARGE_REFUNDED', async (t) => {
  const { http } = await serve(t)
  const user = userId()
  t.equal((await commit(http, user, newId(), KEEP)).status, 404)
  const id = newId()
  await held(http, user, id)
  await http.post(`/users/${user}/charges/${id}/refund`, {})
  const res = await commit(http, user, id, KEEP)
  t.equal(res.status, 409)
  t.equal(res.body.error.code, 'CHARGE_REFUNDED')
  t.same(await http.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
})
