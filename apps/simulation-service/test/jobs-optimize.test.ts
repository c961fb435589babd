// The optimizer's Monte Carlo re-evaluation runs as a job (mode optimize): 202 at once, read back
// until done, charged one strategy_compare and three monte_carlo_run per run; a bad request is a
// 400 before anything is charged or queued; a cancel while running keeps the runs done.
import t from 'tap'
import type { OptimizeResult, Simulation } from '@f1/contracts/simulations'
import { runOptimization } from '@f1/race-sim/optimizer'
import { errorOf } from '@f1/service-kit/testing'
import { auth, build, operation, userId } from './helper.ts'
import { cancel, until, type Built } from './jobs-helper.ts'

const JOB_ENV = { SIMULATION_JOB_POLL_MS: '0', SIMULATION_WORKERS: '1' }
const body = (over: Record<string, unknown> = {}) => ({ track_id: 'shanghai', season: 2019, driver: 'HAM', ...over })
const charges = (runs: number) => [
  { feature: 'strategy_compare', amount: 1, limit: 100 },
  { feature: 'monte_carlo_run', amount: 3 * runs, limit: 10_000_000 },
]

const optimize = (built: Built, user: string, payload: object) =>
  built.app.inject({ method: 'POST', url: `/users/${user}/strategies/optimize`, headers: auth, payload })

t.test(
  'an optimizer request with evaluate_runs runs as a job: 202, then done with the strategies re-evaluated, charged once',
  async (t) => {
    const built = await build(t, { env: JOB_ENV })
    const user = userId()
    const runs = 200
    const op = operation(charges(runs))
    const res = await optimize(built, user, body({ evaluate_runs: runs, seed: 5, operation: op }))
    t.equal(res.statusCode, 202)
    t.match(res.json(), {
      simulation_id: op.id,
      mode: 'optimize',
      track_id: 'shanghai',
      season: 2019,
      driver: 'HAM',
      status: 'queued',
      progress: { runs_done: 0, runs_total: runs },
    })
    t.notOk('results' in res.json(), 'no results while queued')

    const job = await until(built, user, op.id, (j) => j.status === 'done' || j.status === 'failed')
    t.equal(job.status, 'done')
    const results = job.results as OptimizeResult
    const direct = await runOptimization(body({ evaluate_runs: runs, seed: 5 }))
    t.same(results, direct, 'the same answer as the optimizer run directly')
    t.equal(results.in_monte_carlo?.runs, runs)
    t.equal(job.total_time, results.in_monte_carlo!.candidates[0]!.race_time_p50, 'total_time: the median of the strategy ranked first')
    await built.app.jobsIdle()
    t.same(await built.counts(user), { strategy_compare: 1, monte_carlo_run: 3 * runs })

    const again = await optimize(built, user, body({ evaluate_runs: runs, seed: 5, operation: op }))
    t.equal(again.statusCode, 202)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.match(again.json(), { simulation_id: op.id, status: 'done' })
    t.same(await built.counts(user), { strategy_compare: 1, monte_carlo_run: 3 * runs }, 'the same operation is not charged twice')

    const listed = (await built.app.inject({ url: `/users/${user}/simulations`, headers: auth })).json<{ simulations: Simulation[] }>()
    t.match(listed.simulations, [{ simulation_id: op.id, mode: 'optimize', status: 'done' }], 'listed with the simulations')
    const events = (await built.published()).filter((e) => e.detail.simulation_id === op.id)
    t.match(events, [{ type: 'Simulation Completed', detail: { mode: 'optimize', track_id: 'shanghai' } }])
  },
)

t.test('an optimizer job request the engine refuses is a 400 before anything is charged or queued', async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const user = userId()
  for (const [payload, code] of [
    [body({ driver: 'XYZ' }), 'UNKNOWN_DRIVER'],
    [body({ start_compound: 'Z9' }), 'UNKNOWN_COMPOUND'],
    [body({ track_id: 'nowhere' }), 'UNKNOWN_TRACK'],
  ] as const) {
    const op = operation(charges(100))
    const res = await optimize(built, user, { ...payload, evaluate_runs: 100, operation: op })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    if (code) t.equal(errorOf(res).code, code)
    t.same(await built.rawRows(op.id), [], 'nothing stored')
    t.equal(await built.chargeStatus(user, op.id), 'none', 'nothing charged')
  }
  t.same((await built.app.inject({ url: `/users/${user}/simulations`, headers: auth })).json().simulations, [])
})

t.test('cancel of a running optimizer job keeps the re-evaluation runs done and charges three runs for each', async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const user = userId()
  const runs = 10_000
  const op = operation(charges(runs))
  t.equal((await optimize(built, user, body({ evaluate_runs: runs, operation: op }))).statusCode, 202)
  await until(built, user, op.id, (job) => job.status === 'running' && job.progress!.runs_done > 0)
  const res = await cancel(built, user, op.id)
  t.equal(res.statusCode, 200)
  const job = res.json<Simulation>()
  t.match(job, { status: 'cancelled', partial: true, mode: 'optimize' })
  const k = job.progress!.runs_done
  t.ok(k > 0 && k < runs, `runs done: ${k}`)
  t.equal((job.results as OptimizeResult).in_monte_carlo?.runs, k, 'the re-evaluation covers the runs done')
  await built.app.jobsIdle()
  t.same(await built.counts(user), { strategy_compare: 1, monte_carlo_run: 3 * k }, 'three runs charged per run done, the rest given back')
  const direct = await runOptimization(body({ evaluate_runs: k }))
  t.same(job.results, direct, 'equal to a re-evaluation of the runs done with the same seed')
})
