import t from 'tap'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { errorOf, TEST_SERVICE_TOKEN } from '@f1/service-kit/testing'
import { PLANS } from '@f1/plans'
import { HAM_SHANGHAI, bearer, build, json, register, setPlan } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

const single = { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single', strategy: HAM_SHANGHAI }

async function usageOf(built: Built, token: string, feature: string) {
  const summary = json<{ features: Array<{ feature: string; usage_count: number }> }>(
    await built.app.inject({ url: '/api/users/usage', headers: bearer(token) }),
  )
  return summary.features.find((f) => f.feature === feature)?.usage_count
}

const storedCount = async (built: Built) =>
  (
    await built.tables.doc.send(
      new ScanCommand({
        TableName: built.tables.names.simulations,
        Select: 'COUNT',
        FilterExpression: 'attribute_not_exists(outbox_event_id)',
      }),
    )
  ).Count

t.test('a run through the gateway stores the item, returns it, lists it and counts one simulation_run', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: single })
  t.equal(res.statusCode, 201)
  const simulation = res.json()
  t.match(simulation, {
    user_id: user.userId,
    track_id: 'shanghai',
    mode: 'single',
    total_time: 5447.822,
    strategy_data: { strategy: HAM_SHANGHAI },
  })
  t.match(simulation.simulation_id, /^[0-9A-Z]+$/)
  t.ok(Array.isArray(simulation.results.lap_times))
  const list = json<{ simulations: Array<{ simulation_id: string }> }>(
    await built.app.inject({ url: '/api/simulations', headers: bearer(user.token) }),
  )
  t.same(
    list.simulations.map((s) => s.simulation_id),
    [simulation.simulation_id],
  )
  const again = await built.app.inject({ url: `/api/simulations/${simulation.simulation_id}`, headers: bearer(user.token) })
  t.same(again.json(), simulation)
  t.equal(await usageOf(built, user.token, 'simulation_run'), 1)
})

t.test("another user's simulation id is a 404, not a 403", async (t) => {
  const built = await build(t)
  const owner = await register(built.app)
  const other = await register(built.app)
  const id = (await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(owner.token), payload: single })).json()
    .simulation_id
  const res = await built.app.inject({ url: `/api/simulations/${id}`, headers: bearer(other.token) })
  t.equal(res.statusCode, 404)
  t.equal(errorOf(res).code, 'SIMULATION_NOT_FOUND')
})

t.test('at the free simulation_run limit the next run is a 429 with Retry-After and stores nothing', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const limit = PLANS.free.limits.simulation_run
  await fetch(`${built.usageUrl}/users/${user.userId}/usage/consume`, {
    method: 'POST',
    headers: { 'x-service-token': TEST_SERVICE_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ feature: 'simulation_run', amount: limit, limit }),
  })
  const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: single })
  t.equal(res.statusCode, 429)
  t.ok(res.headers['retry-after'])
  t.equal(await storedCount(built), 0)
})

t.test('a failing run (the engine refuses the strategy) is a 400, stores nothing and gives the quota back', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const short = {
    ...single,
    strategy: {
      stints: [
        { start_lap: 0, compound: 'A4', tire_age: 2 },
        { start_lap: 80, compound: 'A3', tire_age: 0 },
      ],
    },
  }
  const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: short })
  t.equal(res.statusCode, 400)
  t.equal(await storedCount(built), 0)
  t.equal(await usageOf(built, user.token, 'simulation_run'), 0, 'refunded')
})

t.test('Monte Carlo on the free plan is a 403 naming the plan that has it, and consumes nothing', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/simulations',
    headers: bearer(user.token),
    payload: { ...single, mode: 'monte_carlo', runs: 50 },
  })
  t.equal(res.statusCode, 403)
  t.match(errorOf(res), { code: 'FORBIDDEN', details: { feature: 'monte_carlo_run', plan_id: 'free', required_plan_id: 'pro' } })
  t.equal(await usageOf(built, user.token, 'simulation_run'), 0)
})

t.test('on pro a Monte Carlo run charges one simulation_run and one monte_carlo_run per run', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/simulations',
    headers: bearer(user.token),
    payload: { ...single, mode: 'monte_carlo', runs: 40, seed: 7 },
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { mode: 'monte_carlo', results: { runs: 40, seed: 7 } })
  t.equal(await usageOf(built, user.token, 'monte_carlo_run'), 40)
  t.equal(await usageOf(built, user.token, 'simulation_run'), 1)
})

t.test('a paired comparison is charged its runs twice, a sweep once more per value; both answer their study', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const post = (payload: object) => built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload })
  const stints = (lap: number) => ({
    stints: [
      { start_lap: 0, compound: 'A4', tire_age: 2 },
      { start_lap: lap, compound: 'A3', tire_age: 0 },
    ],
  })
  const study = { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'monte_carlo', runs: 30, seed: 3, strategy: stints(22) }
  const paired = await post({ ...study, compare_strategy: stints(18) })
  t.equal(paired.statusCode, 201)
  t.match(paired.json().results.comparison, { driver: 'HAM', strategy_b: { stints: [{ start_lap: 0 }, { start_lap: 18 }] } })
  t.equal(await usageOf(built, user.token, 'monte_carlo_run'), 60)
  // A sensitivity study runs as a job: 202, then read back once done.
  const swept = await post({ ...study, sensitivity: { pit_loss_pct: [-10, 10], tyre_degradation_pct: [20] } })
  t.equal(swept.statusCode, 202)
  let job = swept.json()
  while (job.status !== 'done' && job.status !== 'failed') {
    await new Promise((resolve) => setTimeout(resolve, 50))
    job = (await built.app.inject({ url: swept.headers.location!, headers: bearer(user.token) })).json()
  }
  t.equal(job.results.sensitivity.pit_loss.length, 2)
  t.equal(await usageOf(built, user.token, 'monte_carlo_run'), 60 + 30 * 4)
  const refused = await post({ ...study, sensitivity: { pit_loss_pct: [10] }, compare_strategy: stints(18) })
  t.equal(refused.statusCode, 400)
  t.match(errorOf(refused).message, /separate studies/)
  t.equal(await usageOf(built, user.token, 'monte_carlo_run'), 180, 'a refused study is given back')
})

t.test('the optimizer re-evaluates its strategies in Monte Carlo as a job: 202 with Location, then the strategies, three runs charged per run', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const payload = {
    track_id: 'shanghai',
    season: 2019,
    driver: 'HAM',
    evaluate_runs: 20,
    fcy_phases: [{ type: 'SC', start_lap: 15.5, end_lap: 19 }],
  }
  const headers = { ...bearer(user.token), 'idempotency-key': 'optimize-job-1' }
  const res = await built.app.inject({ method: 'POST', url: '/api/strategies/optimize', headers, payload })
  t.equal(res.statusCode, 202)
  const queued = res.json()
  t.match(queued, { mode: 'optimize', driver: 'HAM', progress: { runs_total: 20 } })
  t.equal(res.headers.location, `/api/simulations/${queued.simulation_id}`)
  let job = queued
  while (job.status !== 'done' && job.status !== 'failed') {
    await new Promise((resolve) => setTimeout(resolve, 50))
    job = (await built.app.inject({ url: res.headers.location!, headers: bearer(user.token) })).json()
  }
  t.equal(job.status, 'done')
  t.equal(job.results.in_race.length, job.results.alternatives.length)
  t.match(job.results.in_monte_carlo, { runs: 20, seed: 1 })
  t.equal(job.results.in_monte_carlo.candidates.length, 3)
  t.equal(await usageOf(built, user.token, 'monte_carlo_run'), 60)
  t.equal(await usageOf(built, user.token, 'strategy_compare'), 1)

  const again = await built.app.inject({ method: 'POST', url: '/api/strategies/optimize', headers, payload })
  t.equal(again.statusCode, 202, 'the same key answers the same job')
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.match(again.json(), { simulation_id: queued.simulation_id, status: 'done' })
  t.equal(await usageOf(built, user.token, 'monte_carlo_run'), 60, 'not charged twice')
  const listed = (await built.app.inject({ url: '/api/simulations', headers: bearer(user.token) })).json()
  t.match(listed.simulations[0], { simulation_id: queued.simulation_id, mode: 'optimize' }, 'in the history')
})

t.test('the optimizer needs strategy_compare (pro and up) and counts it', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const body = { track_id: 'shanghai', season: 2019, driver: 'HAM' }
  const free = await built.app.inject({ method: 'POST', url: '/api/strategies/optimize', headers: bearer(user.token), payload: body })
  t.equal(free.statusCode, 403)
  await setPlan(built.app, user.userId, 'pro')
  const pro = await built.app.inject({ method: 'POST', url: '/api/strategies/optimize', headers: bearer(user.token), payload: body })
  t.equal(pro.statusCode, 200)
  t.ok(pro.json().strategies.length >= 1)
  t.equal(await usageOf(built, user.token, 'strategy_compare'), 1)
})

t.test('the optimizer answers the top strategies per stop count and the one-stop curve through the gateway', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'pro')
  const payload = { track_id: 'shanghai', season: 2019, driver: 'HAM', top: 2 }
  const res = await built.app.inject({ method: 'POST', url: '/api/strategies/optimize', headers: bearer(user.token), payload })
  t.equal(res.statusCode, 200)
  const body = res.json<{ alternatives: Array<{ stops: number }>; pit_lap_curve: Array<{ pit_lap: number; compounds: string[] }> }>()
  t.same(
    body.alternatives.map((s) => s.stops),
    [1, 1, 2, 2, 3, 3],
  )
  t.equal(body.pit_lap_curve.length, 55, 'laps 1 to 55 of 56')
  t.equal(body.pit_lap_curve[0]!.compounds.length, 2)
})

t.test('the track catalog is public', async (t) => {
  const built = await build(t)
  const res = await built.app.inject('/api/tracks')
  t.equal(res.statusCode, 200)
  t.ok(res.json().tracks.some((track: { id: string }) => track.id === 'shanghai'))
})

t.test('a race of the catalog is public: its drivers by grid with their recorded strategies; an unknown race is a 404', async (t) => {
  const built = await build(t)
  const res = await built.app.inject('/api/tracks/shanghai/races/2019')
  t.equal(res.statusCode, 200)
  const race = res.json<{
    laps: number
    drivers: Array<{ code: string; grid: number; strategy: { stints: Array<{ start_lap: number }> } }>
  }>()
  t.equal(race.laps, 56)
  t.same(
    race.drivers.map((d) => d.grid),
    race.drivers.map((_, i) => i + 1),
    'by starting position',
  )
  t.match(race.drivers.find((d) => d.code === 'HAM')?.strategy.stints, [{ start_lap: 0 }, { start_lap: 22 }, { start_lap: 36 }])
  const unknown = await built.app.inject('/api/tracks/shanghai/races/1999')
  t.equal(unknown.statusCode, 404)
  t.equal(errorOf(unknown).code, 'RACE_NOT_FOUND')
  t.match(errorOf(unknown).message, /2019/, 'names the seasons there are')
  t.equal((await built.app.inject('/api/tracks/nowhere/races/2019')).statusCode, 404)
  t.equal((await built.app.inject('/api/tracks/shanghai/races/twenty')).statusCode, 400)
  t.equal((await built.app.inject('/api/tracks/..%2F..%2Fadmin/races/2019')).statusCode, 400, 'a path in the id is refused before any call')
})

t.test('a body with an unknown field, or quota set by the client, is a 400 and consumes nothing', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/simulations',
    headers: bearer(user.token),
    payload: { ...single, quota: [{ feature: 'simulation_run', amount: 1, date: '2026-11-26' }] },
  })
  t.equal(res.statusCode, 400)
  t.equal(await usageOf(built, user.token, 'simulation_run'), 0)
})

t.test("a race with the request's own safety car and no retirements is run, stored with its scenario, and counted once", async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const scenario = { fcy_phases: [{ type: 'SC', start_lap: 20.5, end_lap: 24 }], retirements: [] }
  const payload = { ...single, mode: 'race', ...scenario }
  const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload })
  t.equal(res.statusCode, 201, res.body)
  const simulation = res.json()
  t.match(simulation.strategy_data, scenario)
  t.match(simulation.results.fcy_phases, [{ type: 'SC' }])
  t.notOk(simulation.results.classification.some((c: { status: string }) => c.status === 'retired'))
  t.same(simulation.results.warnings, [])
  t.equal(await usageOf(built, user.token, 'simulation_run'), 1)
})

t.test('a scenario the engine cannot run (overlapping yellows) is a 400 naming why, stores nothing and gives the quota back', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const fcy_phases = [
    { type: 'SC', start_lap: 10, end_lap: 14 },
    { type: 'VSC', start_lap: 13, end_lap: 15 },
  ]
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/simulations',
    headers: bearer(user.token),
    payload: { ...single, mode: 'race', fcy_phases },
  })
  t.equal(res.statusCode, 400)
  t.match(errorOf(res), { code: 'INVALID_REQUEST', message: /fcy_phases\[1\] starts at 13, before fcy_phases\[0\] ends/ })
  t.equal(await storedCount(built), 0)
  t.equal(await usageOf(built, user.token, 'simulation_run'), 0)
})

t.test('the track catalog names, per season, what its recorded race holds that the reference refuses', async (t) => {
  const built = await build(t)
  const suzuka = json<{ tracks: Array<{ id: string; warnings: Record<string, Array<{ code: string }>> }> }>(
    await built.app.inject('/api/tracks'),
  ).tracks.find((track) => track.id === 'suzuka')!
  t.same(
    suzuka.warnings['2014']!.map((w) => w.code),
    ['RACE_PACE_GAP_OUT_OF_RANGE'],
  )
  t.same(
    suzuka.warnings['2015']!.map((w) => w.code),
    ['FUEL_RUNS_OUT'],
  )
  t.notOk('2019' in suzuka.warnings)
})
