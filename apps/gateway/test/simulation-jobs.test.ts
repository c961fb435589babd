import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Simulation } from '@f1/contracts/simulations'
import { errorOf } from '@f1/service-kit/testing'
import { HAM_SHANGHAI, bearer, build, meteredUsage, register, setPlan } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

// Studies above 1,000 runs are jobs here, so the tests run small ones.
const JOBS = { SIMULATION_JOB_ABOVE_RUNS: '1000', SIMULATION_WORKERS: '1' }
const study = (runs: number) => ({
  track_id: 'shanghai',
  season: 2019,
  driver: 'HAM',
  mode: 'monte_carlo',
  strategy: HAM_SHANGHAI,
  runs,
  seed: 5,
})

async function teamUser(built: Built) {
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'team')
  return user
}

const read = async (built: Built, token: string, location: string) =>
  (await built.app.inject({ url: location, headers: bearer(token) })).json<Simulation>()

async function until(built: Built, token: string, location: string, check: (job: Simulation) => boolean): Promise<Simulation> {
  for (;;) {
    const job = await read(built, token, location)
    if (check(job)) return job
    await sleep(50)
  }
}

t.test('a big Monte Carlo through the gateway answers 202 with Location; reading it shows the job until done, charged once', async (t) => {
  const built = await build(t, { simulationEnv: JOBS })
  const user = await teamUser(built)
  const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: study(3_000) })
  t.equal(res.statusCode, 202)
  const job = res.json<Simulation>()
  t.equal(res.headers.location, `/api/simulations/${job.simulation_id}`)
  t.match(job, { user_id: user.userId, mode: 'monte_carlo', progress: { runs_done: 0, runs_total: 3_000 } })
  t.notOk('results' in job)
  const done = await until(built, user.token, res.headers.location!, (j) => j.status === 'done')
  t.match(done, { status: 'done', progress: { runs_done: 3_000, runs_total: 3_000 }, results: { runs: 3_000, seed: 5 } })
  t.same(await meteredUsage(built.app, user.token), { simulation_run: 1, monte_carlo_run: 3_000 })
  const list = (await built.app.inject({ url: '/api/simulations', headers: bearer(user.token) })).json<{ simulations: Simulation[] }>()
  t.equal(list.simulations[0]?.status, 'done', 'the list shows the status')
  const cancelDone = await built.app.inject({ method: 'DELETE', url: res.headers.location!, headers: bearer(user.token) })
  t.equal(cancelDone.statusCode, 409)
  t.equal(errorOf(cancelDone).code, 'JOB_NOT_CANCELLABLE')
})

t.test(
  'DELETE cancels a running job of its owner: it keeps the runs done and is charged for those only; another user gets a 404',
  async (t) => {
    const built = await build(t, { simulationEnv: JOBS })
    const user = await teamUser(built)
    const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: study(50_000) })
    t.equal(res.statusCode, 202)
    const location = res.headers.location!
    await until(built, user.token, location, (j) => j.status === 'running' && j.progress!.runs_done > 0)
    const stranger = await register(built.app)
    const theirs = await built.app.inject({ method: 'DELETE', url: location, headers: bearer(stranger.token) })
    t.equal(theirs.statusCode, 404)
    const cancelled = await built.app.inject({ method: 'DELETE', url: location, headers: bearer(user.token) })
    // 200 once its runner settled it within the call's budget (2 s here), else 202 while it is cancelling.
    t.ok(
      cancelled.statusCode === 200 || (cancelled.statusCode === 202 && cancelled.json<Simulation>().status === 'cancelling'),
      cancelled.body.slice(0, 200),
    )
    const job =
      cancelled.statusCode === 200
        ? cancelled.json<Simulation>()
        : await until(built, user.token, location, (j) => j.status !== 'cancelling')
    t.match(job, { status: 'cancelled', partial: true, progress: { runs_total: 50_000 } })
    const k = job.progress!.runs_done
    t.ok(k > 0 && k < 50_000, `runs done: ${k}`)
    t.match(job.results, { runs: k, seed: 5 }, 'results over the runs done')
    t.same(
      await meteredUsage(built.app, user.token),
      { simulation_run: 1, monte_carlo_run: k },
      'charged for the runs done, the rest given back',
    )
    const again = await built.app.inject({ method: 'DELETE', url: location, headers: bearer(user.token) })
    t.equal(again.statusCode, 200, 'cancelling again answers the cancelled job')
    t.same(again.json(), job)
    t.same(await read(built, user.token, location), job, 'GET shows the job with its partial results')
    await built.simulations.jobsIdle()
  },
)

t.test('DELETE of a queued job refunds it in full and keeps nothing', async (t) => {
  const built = await build(t, { simulationEnv: { ...JOBS, SIMULATION_JOB_CONCURRENCY: '1' } })
  const user = await teamUser(built)
  const first = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: study(50_000) })
  const second = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: study(3_000) })
  t.equal((await read(built, user.token, second.headers.location!)).status, 'queued')
  const cancelled = await built.app.inject({ method: 'DELETE', url: second.headers.location!, headers: bearer(user.token) })
  t.equal(cancelled.statusCode, 200)
  t.match(cancelled.json<Simulation>(), { status: 'cancelled', progress: { runs_done: 0 } })
  t.notOk('results' in cancelled.json() || 'partial' in cancelled.json(), 'nothing kept')
  await built.app.inject({ method: 'DELETE', url: first.headers.location!, headers: bearer(user.token) })
  await built.simulations.jobsIdle()
  const usage = await meteredUsage(built.app, user.token)
  const firstJob = await read(built, user.token, first.headers.location!)
  t.same(
    usage,
    firstJob.partial ? { simulation_run: 1, monte_carlo_run: firstJob.progress!.runs_done } : {},
    'the queued one refunded in full',
  )
})
