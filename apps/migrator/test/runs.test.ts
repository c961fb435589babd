import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { TARGET_TABLES } from '@f1/legacy/result'
import { auth, build, generate, scanAll, startCli, envFor, useMigrationTables, verify } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

const startRun = (app: App, body: object = {}) => app.inject({ method: 'POST', url: '/runs', headers: auth, payload: body })

async function waitFor(app: App, runId: string, statuses: string[], timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    const run = (await app.inject({ url: `/runs/${runId}`, headers: auth })).json()
    if (statuses.includes(run.status)) return run
  }
  throw new Error(`run ${runId} never reached ${statuses.join(' or ')}`)
}

t.test('POST /runs starts a backfill in the background and GET /runs/:id follows it to its report', async (t) => {
  const { app, tables } = await build(t)
  const tally = await generate(tables, 50, 'runs-http')

  const res = await startRun(app, { segments: 2 })
  t.equal(res.statusCode, 202)
  const { run_id: runId, resumed } = res.json()
  t.match(runId, /^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/)
  t.equal(resumed, false)

  const run = await waitFor(app, runId, ['completed'])
  t.match(run, { run_id: runId, source: 'service', segments: 2, dry_run: false, progress: { read: tally.items } })
  t.equal(run.report.totals.read, tally.items)
  for (const table of TARGET_TABLES) t.equal(run.report.tables[table].written, tally.expected.rows[table], `${table} written`)

  const status = (await app.inject({ url: '/status', headers: auth })).json()
  t.equal(status.current_run, null)
  t.equal(status.last_run.run_id, runId)
  t.equal(status.last_run.report, undefined, '/status leaves the reports out')
  t.same(status.lock, { held: false })
})

t.test('a second instance gets 409 while a run is going; closing the first interrupts it and the next start resumes it', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 60, 'runs-lock')
  // A short lease: progress reaches the run record every second.
  const first = await build(t, { tables, env: { MIGRATION_LOCK_LEASE_S: '3' } })
  const second = await build(t, { tables, env: { MIGRATION_LOCK_LEASE_S: '3' } })

  const started = await startRun(first.app, { segments: 2, rate: 100 })
  t.equal(started.statusCode, 202)
  const runId = started.json().run_id as string

  const refused = await startRun(second.app, { segments: 2 })
  t.equal(refused.statusCode, 409, 'the lock item keeps the second instance out')
  t.equal(errorOf(refused).code, 'RUN_IN_PROGRESS')
  t.match(errorOf(refused).message, runId)
  const cli = await startCli(['backfill'], envFor(tables)).output
  t.equal(cli.code, 3, 'and the CLI too')

  let status = (await second.app.inject({ url: '/status', headers: auth })).json()
  for (let i = 0; i < 50 && !(status.current_run?.progress.read > 0); i++) {
    await sleep(100)
    status = (await second.app.inject({ url: '/status', headers: auth })).json()
  }
  t.equal(status.current_run.run_id, runId, 'any instance shows the current run')
  t.equal(status.lock.held, true)
  t.ok(status.current_run.progress.read > 0, 'with its progress')

  await first.app.close()
  const interrupted = (await second.app.inject({ url: `/runs/${runId}`, headers: auth })).json()
  t.equal(interrupted.status, 'interrupted', 'closing the app stops the run after its pages in progress')
  t.ok(interrupted.progress.read < tally.items, 'before the end')

  const again = await startRun(second.app, { segments: 2 })
  t.equal(again.statusCode, 202)
  t.same(again.json(), { run_id: runId, resumed: true }, 'the next start resumes the interrupted run')
  const done = await waitFor(second.app, runId, ['completed'])
  t.equal(done.resumed, 1)
  t.equal(done.report.totals.read, tally.items, 'every item counted once over both instances')
  t.strictSame(done.report.rejected, tally.expected.rejected)
  t.strictSame((await verify(tables)).differences, [])
})

t.test('a dry run over HTTP records its run and report and writes no row', async (t) => {
  const { app, tables } = await build(t)
  const tally = await generate(tables, 30, 'runs-dry')
  const res = await startRun(app, { dry_run: true })
  t.equal(res.statusCode, 202)
  const run = await waitFor(app, res.json().run_id, ['completed'])
  t.equal(run.dry_run, true)
  t.equal(run.report.tables.actions.mapped, tally.expected.mapped.actions)
  for (const table of TARGET_TABLES) t.strictSame(await scanAll(tables.doc, tables.names[table]), [], `${table} is empty`)
})

t.test('the service routes need the service token, validate their input and answer 404 for unknown runs', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ url: '/status' })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/runs', payload: {} })).statusCode, 401)
  t.equal((await app.inject({ url: '/runs/run-x', headers: { 'x-service-token': 'not-the-token-at-all' } })).statusCode, 401)
  const unknown = await app.inject({ url: '/runs/run-20200101T000000Z-abcdef', headers: auth })
  t.equal(unknown.statusCode, 404)
  t.equal(errorOf(unknown).code, 'NOT_FOUND')
  for (const body of [{ segments: 0 }, { rate: '10' }, { dry_run: 'yes' }, { bogus: true }]) {
    const res = await startRun(app, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.equal(errorOf(res).code, 'VALIDATION_FAILED')
  }
  t.equal((await app.inject({ url: '/ready' })).json().status, 'ready')
})
