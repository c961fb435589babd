import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, build, operation, simulationBody, userId } from './helper.ts'
import { JOB_ENV, MC_CHARGES, cancel, read, storeJob, submit, until } from './jobs-helper.ts'

t.test(
  'a big Monte Carlo answers 202 with a queued job; GET shows its progress, then done with the results a synchronous run gives; charged once',
  async (t) => {
    const built = await build(t, { env: JOB_ENV })
    const user = userId()
    const op = operation(MC_CHARGES(6_000))
    const res = await submit(built, user, simulationBody('monte_carlo', { runs: 6_000, seed: 7, operation: op }))
    t.equal(res.statusCode, 202)
    const queued = res.json()
    t.equal(queued.simulation_id, op.id)
    t.match(queued.status, /^(queued|running)$/)
    t.same(queued.progress, { runs_done: 0, runs_total: 6_000 })
    t.notOk('results' in queued)
    const midway = await until(built, user, op.id, (job) => job.status === 'done' || job.progress!.runs_done > 0)
    if (midway.status === 'running') {
      t.ok(midway.progress!.runs_done < 6_000, 'progress is shown while it runs')
      t.type(midway.eta_s, 'number', 'with an ETA from the measured rate')
      t.notOk('results' in midway, 'no results before it is done')
    }
    const done = await until(built, user, op.id, (job) => job.status === 'done')
    t.same(done.progress, { runs_done: 6_000, runs_total: 6_000 })
    t.equal(await built.chargeStatus(user, op.id), 'committed')
    t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: 6_000 })

    const sync = await build(t, { env: { SIMULATION_WORKERS: '1', SIMULATION_JOB_ABOVE_RUNS: '100000' } })
    const direct = await submit(sync, user, simulationBody('monte_carlo', { runs: 6_000, seed: 7 }))
    t.equal(direct.statusCode, 201)
    t.same(done.results, direct.json().results, 'the same results as a synchronous run of the same request and seed')
    t.equal(done.total_time, direct.json().total_time)

    const completed = (await built.published()).filter((e) => e.type === 'Simulation Completed' && e.detail.simulation_id === op.id)
    t.equal(completed.length, 1, 'one Simulation Completed')
    const listed = (await built.app.inject({ url: `/users/${user}/simulations`, headers: auth })).json().simulations
    t.equal(listed[0].status, 'done', 'the list shows the status')
    const again = await submit(built, user, simulationBody('monte_carlo', { runs: 6_000, seed: 7, operation: op }))
    t.equal(again.statusCode, 202)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: 6_000 }, 'the same operation again charges nothing')
  },
)

t.test('a study at or below the threshold stays synchronous (201)', async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const res = await submit(built, userId(), simulationBody('monte_carlo', { runs: 1_000, operation: operation(MC_CHARGES(1_000)) }))
  t.equal(res.statusCode, 201)
  t.notOk('status' in res.json())
})

t.test('a queued job cancelled before any runner took it never runs', async (t) => {
  const built = await build(t, { env: { ...JOB_ENV, SIMULATION_JOB_CONCURRENCY: '1' } })
  const user = userId()
  const first = operation(MC_CHARGES(100_000))
  const second = operation(MC_CHARGES(5_000))
  await submit(built, user, simulationBody('monte_carlo', { runs: 100_000, operation: first }))
  await submit(built, user, simulationBody('monte_carlo', { runs: 5_000, operation: second }))
  t.equal((await read(built, user, second.id)).status, 'queued', 'one job runs at a time: the second waits')
  t.equal((await cancel(built, user, second.id)).json().status, 'cancelled')
  await cancel(built, user, first.id)
  await built.app.jobsIdle()
  await built.app.pollJobs()
  await built.app.jobsIdle()
  t.equal((await read(built, user, second.id)).status, 'cancelled')
  // The first, cancelled while running, keeps the runs it did (jobs-cancel.test.ts); the second nothing.
  const firstJob = await read(built, user, first.id)
  t.equal(firstJob.status, 'cancelled')
  const kept = firstJob.partial
    ? { simulation_run: 1, monte_carlo_run: firstJob.progress!.runs_done }
    : { simulation_run: 0, monte_carlo_run: 0 }
  t.same(await built.counts(user), kept, 'the queued one refunded in full')
  t.notOk('job_queue' in (await built.rawRows(second.id))[0]!, 'its queue entry was deleted by the runner that found it cancelled')
})

t.test('cancel of a done job is 409 JOB_NOT_CANCELLABLE and keeps its result and charge', async (t) => {
  const built = await build(t, { env: JOB_ENV })
  const user = userId()
  const op = operation(MC_CHARGES(2_000))
  await submit(built, user, simulationBody('monte_carlo', { runs: 2_000, operation: op }))
  await until(built, user, op.id, (job) => job.status === 'done')
  const res = await cancel(built, user, op.id)
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.code, 'JOB_NOT_CANCELLABLE')
  t.equal(await built.chargeStatus(user, op.id), 'committed')
  t.ok((await read(built, user, op.id)).results)
})

t.test('a job past its deadline fails and is refunded', async (t) => {
  const built = await build(t, { env: { ...JOB_ENV, SIMULATION_JOB_MAX_MS: '1000' } })
  const user = userId()
  const op = operation(MC_CHARGES(100_000))
  await submit(built, user, simulationBody('monte_carlo', { runs: 100_000, operation: op }))
  const failed = await until(built, user, op.id, (job) => job.status === 'failed')
  t.equal(failed.error?.code, 'JOB_DEADLINE_EXCEEDED')
  t.notOk('results' in failed)
  await built.app.jobsIdle()
  t.equal(await built.chargeStatus(user, op.id), 'refunded')
  t.same(await built.counts(user), { simulation_run: 0, monte_carlo_run: 0 })
  const events = (await built.published()).filter((e) => e.detail.simulation_id === op.id)
  t.same(
    events.map((e) => [e.type, e.detail.error_code, e.detail.charge_id]),
    [['Simulation Failed', 'JOB_DEADLINE_EXCEEDED', op.id]],
  )
})

t.test('two runners on the same table never hold the same job at once, and each job is done once', async (t) => {
  const built = await build(t, { env: { ...JOB_ENV, SIMULATION_JOB_LEASE_MS: '2000' } })
  const { buildApp } = await import('../src/app.ts')
  const other = await buildApp(built.config, { logger: false })
  t.teardown(() => other.close())
  const user = userId()
  const ops = Array.from({ length: 4 }, () => operation(MC_CHARGES(1_500)))
  // Stored while neither runner is looking: then both race for them.
  for (const op of ops) {
    await storeJob(built, { id: op.id, user, runs: 1_500, deadlineMs: 60_000, charged: false })
  }
  const leases = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : built.app).jobQueue.receive(`runner-${i}`, 2_000)))
  const taken = leases.filter((l) => l !== undefined).map((l) => l.jobId)
  t.equal(taken.length, 4, 'every job taken')
  t.equal(new Set(taken).size, 4, 'none taken twice')
  t.equal(await built.app.jobQueue.receive('late', 2_000), undefined, 'none free while leased')
  await sleep(2_100)
  // Their leases ran out (those runners never ran them): the two apps take them and run each once.
  while ((await Promise.all([built.app.pollJobs(), other.pollJobs()])).some((n) => n > 0)) {
    await Promise.all([built.app.jobsIdle(), other.jobsIdle()])
  }
  await Promise.all([built.app.jobsIdle(), other.jobsIdle()])
  for (const op of ops) {
    t.equal((await read(built, user, op.id)).status, 'done')
  }
  const completed = (await built.published()).filter((e) => e.type === 'Simulation Completed')
  t.equal(completed.length, 4, 'one Simulation Completed per job')
})
