// Cancelling a job: a running one keeps the runs it finished (a prefix of its study), is charged for
// those only (a partial commit in usage-service; the rest given back) and ends cancelled with partial
// results; a queued one, or one whose runner is gone, is refunded in full and keeps nothing.
import t from 'tap'
import type { Simulation } from '@f1/contracts/simulations'
import { auth, build, operation, simulationBody, userId } from './helper.ts'
import { JOB_ENV, MC_CHARGES, cancel, read, storeJob, submit, until, type Built } from './jobs-helper.ts'


async function charge(built: Built, user: string, id: string) {
  return (await (await fetch(`${built.usageUrl}/users/${user}/charges/${id}`, { headers: auth })).json()) as {
    status: string
    committed_lines?: Array<{ feature: string; amount: number }>
    returned_lines?: Array<{ feature: string; amount: number }>
  }
}

t.test('a study stopped early yields the study of its first runs: the same as a study of that many runs and the same seed', async (t) => {
  const built = await build(t, { env: { SIMULATION_WORKERS: '1' } })
  const request = simulationBody('monte_carlo', { runs: 5_000, seed: 3 }) as never
  const stop = new AbortController()
  const partial = await built.app.engine.simulate(request, undefined, (done) => done >= 300 && stop.abort(new Error('stop')), stop.signal)
  const runs = (partial.results as { runs: number }).runs
  t.ok(runs >= 300 && runs < 5_000 && runs % 100 === 0, `stopped after whole chunks (${runs} runs)`)
  const whole = await built.app.engine.simulate({ ...(request as object), runs } as never)
  t.same(partial.results, whole.results, 'equal to a study of those runs')
  t.equal(partial.totalTime, whole.totalTime)

  const early = new AbortController()
  early.abort(new Error('before anything ran'))
  await t.rejects(built.app.engine.simulate(request, undefined, undefined, early.signal), { message: 'before anything ran' })
})

t.test('cancel of a running job keeps its runs done, commits k runs and gives back the rest; again it answers the same', async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const user = userId()
  const runs = 100_000
  const op = operation(MC_CHARGES(runs))
  t.equal((await submit(built, user, simulationBody('monte_carlo', { runs, seed: 11, operation: op }))).statusCode, 202)
  await until(built, user, op.id, (job) => job.status === 'running' && job.progress!.runs_done > 0)
  t.equal((await cancel(built, userId(), op.id)).statusCode, 404, "another user's job is a 404")
  const asked = Date.now()
  const res = await cancel(built, user, op.id)
  t.ok(Date.now() - asked < 4_000, 'answered within seconds')
  t.equal(res.statusCode, 200)
  const job = res.json<Simulation>()
  t.equal(job.status, 'cancelled')
  t.equal(job.partial, true, 'marked as covering only the runs done')
  const k = job.progress!.runs_done
  t.ok(k > 0 && k < runs && k % 100 === 0, `runs done: ${k}`)
  t.equal(job.progress!.runs_total, runs)
  t.equal((job.results as { runs: number }).runs, k, 'the results cover the runs done')
  await built.app.jobsIdle()

  // Issue 9's rule: the runs kept are committed, the rest given back, in one usage-service transaction.
  const recorded = await charge(built, user, op.id)
  t.equal(recorded.status, 'committed')
  t.same(
    recorded.committed_lines?.map((l) => [l.feature, l.amount]),
    [
      ['simulation_run', 1],
      ['monte_carlo_run', k],
    ],
  )
  t.same(
    recorded.returned_lines?.map((l) => [l.feature, l.amount]),
    [['monte_carlo_run', runs - k]],
  )
  t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: k })

  const events = (await built.published()).filter((e) => e.detail.simulation_id === op.id)
  t.same(
    events.map((e) => e.type),
    ['Simulation Completed'],
    'one Simulation Completed (results stored, charge committed), no Simulation Failed',
  )
  const rows = await built.rawRows(op.id)
  t.equal(rows.length, 1)
  t.notOk('job_queue' in rows[0]!, 'out of the queue')
  t.notOk('results_kept' in rows[0]! || 'results_runs' in rows[0]!, 'no bookkeeping left')

  const shown = await read(built, user, op.id)
  t.same(shown.results, job.results, 'GET shows the partial results')
  const listed = (await built.app.inject({ url: `/users/${user}/simulations`, headers: auth })).json<{ simulations: Simulation[] }>()
  t.match(listed.simulations[0], { status: 'cancelled', partial: true, progress: { runs_done: k } })

  const again = await cancel(built, user, op.id)
  t.equal(again.statusCode, 200, 'cancelling twice is idempotent')
  t.same(again.json(), job)
  t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: k })

  // The same seed over exactly those runs, synchronously.
  const sync = await build(t, { env: { SIMULATION_WORKERS: '1', SIMULATION_JOB_ABOVE_RUNS: '1000000' } })
  const direct = await submit(sync, user, simulationBody('monte_carlo', { runs: k, seed: 11 }))
  t.equal(direct.statusCode, 201)
  t.same(job.results, direct.json().results, 'equal to a synchronous study of the same seed over the runs done')
  t.equal(job.total_time, direct.json().total_time)
})

t.test('a sensitivity study cancelled while running is charged per race run it ran', async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const user = userId()
  const runs = 20_000
  const sensitivity = { pit_loss_pct: [-10, 10] }
  const op = operation(MC_CHARGES(runs * 3))
  t.equal((await submit(built, user, simulationBody('monte_carlo', { runs, seed: 5, sensitivity, operation: op }))).statusCode, 202)
  await until(built, user, op.id, (job) => job.status === 'running' && job.progress!.runs_done > 0)
  const res = await cancel(built, user, op.id)
  t.equal(res.statusCode, 200)
  const job = res.json<Simulation>()
  t.match(job, { status: 'cancelled', partial: true })
  const k = job.progress!.runs_done
  t.ok((job.results as { sensitivity?: unknown }).sensitivity, 'the sweeps over the runs done')
  await built.app.jobsIdle()
  t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: 3 * k }, 'three races per run, for the runs done')
})

t.test('a cancelling job whose runner is gone is refunded in full and keeps nothing', async (t) => {
  const built = await build(t, { env: { ...JOB_ENV, SIMULATION_JOB_LEASE_MS: '1000' } })
  await built.app.ready()
  const user = userId()
  const op = operation(MC_CHARGES(5_000))
  const created = new Date()
  // Charged and stored as a submission would, then taken by a runner that never runs it (it died).
  await fetch(`${built.usageUrl}/users/${user}/charges`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ charge_id: op.id, lines: op.charges, hold_ms: 600_000 }),
  })
  await storeJob(built, { id: op.id, user, runs: 5_000, deadlineMs: 600_000, charged: true, createdAt: created })
  const lease = await built.app.jobQueue.receive('a-runner-that-dies', 1_000)
  t.ok(lease)
  t.ok(await built.app.jobs.start(lease!, Date.now()))
  const res = await cancel(built, user, op.id)
  t.equal(res.statusCode, 200, "settled once the dead runner's lease ran out, within the wait")
  const job = res.json<Simulation>()
  t.equal(job.status, 'cancelled')
  t.notOk('partial' in job || 'results' in job, 'nothing kept')
  t.equal((await charge(built, user, op.id)).status, 'refunded')
  t.same(await built.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
  const events = (await built.published()).filter((e) => e.detail.simulation_id === op.id)
  t.same(
    events.map((e) => [e.type, e.detail.error_code, e.detail.charge_id]),
    [['Simulation Failed', 'CANCELLED', op.id]],
  )
})

t.test('a running job given back to the queue (a shutdown) and then cancelled is refunded in full and never runs', async (t) => {
  const built = await build(t, { env: { ...JOB_ENV, SIMULATION_JOB_LEASE_MS: '60000' } })
  // Ready now: its look for jobs at start finds none, so only this test's steps touch the job (a first
  // request would make it ready, and its runner could take the job given back before the cancel).
  await built.app.ready()
  const user = userId()
  const op = operation(MC_CHARGES(5_000))
  await fetch(`${built.usageUrl}/users/${user}/charges`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ charge_id: op.id, lines: op.charges, hold_ms: 600_000 }),
  })
  await storeJob(built, { id: op.id, user, runs: 5_000, deadlineMs: 600_000, charged: true })
  // A first runner started it and gave it back (a shutdown); it is cancelled while no runner holds it.
  const first = await built.app.jobQueue.receive('first', 60_000)
  t.ok(await built.app.jobs.start(first!, Date.now()))
  await built.app.jobQueue.release(first!)
  const res = await cancel(built, user, op.id)
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'cancelled')
  t.same(await built.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
  await built.app.pollJobs()
  await built.app.jobsIdle()
  t.equal((await read(built, user, op.id)).status, 'cancelled', 'never run afterwards')
  t.notOk('job_queue' in (await built.rawRows(op.id))[0]!, 'its queue entry deleted by the runner that found it cancelled')
})
