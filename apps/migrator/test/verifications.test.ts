import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { errorOf } from '@f1/service-kit/testing'
import { verificationKey } from '@f1/tables/keys'
import { auth, backfill, build, changePlan, generate, scanAll, useMigrationTables } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

const startVerify = (app: App, body: object = {}) => app.inject({ method: 'POST', url: '/verifications', headers: auth, payload: body })
const readVerification = (app: App, id: string) => app.inject({ url: `/verifications/${id}`, headers: auth })

async function waitFor(app: App, id: string, statuses: string[], timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    const verification = (await readVerification(app, id)).json()
    if (statuses.includes(verification.status)) return verification
  }
  throw new Error(`verification ${id} never reached ${statuses.join(' or ')}`)
}

t.test('a verify started over HTTP after a backfill finds that legacy and the new tables agree, and any instance reads it', async (t) => {
  const { app, tables } = await build(t)
  const tally = await generate(tables, 40, 'verify-http-agree')
  await backfill(tables)

  const res = await startVerify(app, { segments: 2 })
  t.equal(res.statusCode, 202)
  const id = res.json().verification_id as string
  t.match(id, /^ver-\d{8}T\d{6}Z-[0-9a-f]{6}$/)

  const done = await waitFor(app, id, ['done', 'failed'])
  t.match(done, { verification_id: id, status: 'done', segments: 2, progress: { pass: 'done', legacy_read: tally.items, differences: 0 } })
  t.ok(done.progress.migrated_read > 0, 'the second pass read the migrated rows')
  t.equal(done.report.agree, true)
  t.strictSame(done.report.differences, { missing: 0, different: 0, extra: 0 })
  t.strictSame(done.report.sample, [])
  t.equal(done.report.legacy.read, tally.items)
  t.equal(done.report.tables.actions.expected, tally.expected.rows.actions)
  t.equal(done.report.tables.actions.matching, tally.expected.rows.actions)
  t.equal(done.owner, undefined, 'the lock owner stays inside')

  const other = await build(t, { tables })
  t.strictSame((await readVerification(other.app, id)).json(), done, 'the record is in the migration table, not in memory')
  const status = (await other.app.inject({ url: '/status', headers: auth })).json()
  t.match(
    status.last_verification,
    { verification_id: id, status: 'done', progress: { differences: 0 } },
    'the status shows the last verify',
  )
  t.equal(status.last_verification.report, undefined, 'without its report')
})

t.test('a verify that finds a changed row reports it in its sample', async (t) => {
  const { app, tables } = await build(t)
  await generate(tables, 40, 'verify-http-differences')
  await backfill(tables)
  const { doc, names } = tables
  const [paid] = await scanAll(doc, names.subscriptions)
  const [action] = await scanAll(doc, names.actions)
  if (!paid || !action) throw new Error('the generated data is too small for this test')
  await changePlan(tables, paid)
  await doc.send(new DeleteCommand({ TableName: names.actions, Key: { user_id: action.user_id, timestamp: action.timestamp } }))

  const id = (await startVerify(app)).json().verification_id as string
  const done = await waitFor(app, id, ['done', 'failed'])
  t.equal(done.status, 'done', 'a verify that finds differences still ends done; the report says they differ')
  t.equal(done.report.agree, false)
  t.strictSame(done.report.differences, { missing: 1, different: 1, extra: 0 })
  t.equal(done.progress.differences, 2)
  const sample = [...done.report.sample].sort((a: { type: string }, b: { type: string }) => (a.type < b.type ? -1 : 1))
  t.match(sample, [
    {
      type: 'different',
      table: 'subscriptions',
      legacy_id: paid.migrated_from,
      row: `subscriptions:${paid.user_id}/${paid.subscription_id}`,
      detail: /plan_id: expected "\w+", found "\w+"/,
    },
    { type: 'missing', table: 'actions', legacy_id: action.migrated_from, detail: 'no row' },
  ])
})

t.test('the sample keeps the first 50 differences and the counts cover them all', async (t) => {
  const { app, tables } = await build(t)
  const tally = await generate(tables, 40, 'verify-http-sample')
  t.ok(tally.expected.rows.actions > 50, 'more action rows than the sample holds')
  // Nothing migrated: every item that maps is missing.
  const id = (await startVerify(app)).json().verification_id as string
  const done = await waitFor(app, id, ['done', 'failed'])
  const mapped = Object.values(tally.expected.mapped as Record<string, number>).reduce((a, b) => a + b, 0)
  t.equal(done.report.differences.missing, mapped)
  t.equal(done.report.sample.length, 50)
  t.ok(done.report.sample.every((d: { type: string }) => d.type === 'missing'))
})

t.test('bad ids and bodies get a 400 and write nothing; an unknown id gets a 404', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ method: 'POST', url: '/verifications', payload: {} })).statusCode, 401)
  for (const id of ['not-a-verification', 'run-20200101T000000Z-abcdef', 'ver-2020-01-01', `ver-20200101T000000Z-${'a'.repeat(60)}`]) {
    const res = await readVerification(app, encodeURIComponent(id))
    t.equal(res.statusCode, 400, id)
    t.equal(errorOf(res).code, 'VALIDATION_FAILED')
  }
  const unknown = await readVerification(app, 'ver-20200101T000000Z-abcdef')
  t.equal(unknown.statusCode, 404)
  t.equal(errorOf(unknown).code, 'NOT_FOUND')
  for (const body of [{ segments: 0 }, { segments: 1001 }, { segments: '2' }, { dry_run: true }]) {
    const res = await startVerify(app, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.equal(errorOf(res).code, 'VALIDATION_FAILED')
  }
  const status = (await app.inject({ url: '/status', headers: auth })).json()
  t.equal(status.last_verification, null, 'no verification was recorded')
})

t.test('one verify runs at a time, none starts while a backfill runs, and one a backfill overlapped names it', async (t) => {
  const tables = await useMigrationTables(t)
  await generate(tables, 50, 'verify-http-exclusive')
  // Small pages: the first verify is still reading when the others ask.
  const first = await build(t, { tables, env: { MIGRATION_PAGE_SIZE: '5' } })
  const second = await build(t, { tables })

  const started = await startVerify(first.app)
  t.equal(started.statusCode, 202)
  const id = started.json().verification_id as string
  const refused = await startVerify(second.app)
  t.equal(refused.statusCode, 409)
  t.equal(errorOf(refused).code, 'VERIFY_IN_PROGRESS')
  t.equal(errorOf(refused).details?.verification_id, id, 'the refusal names the verify to follow')
  t.equal((await readVerification(second.app, id)).json().status, 'running', 'another instance sees it running')

  // A backfill may start meanwhile (its API is unchanged): the verify's report is then stale, and says so.
  const run = await second.app.inject({ method: 'POST', url: '/runs', headers: auth, payload: { rate: 20 } })
  t.equal(run.statusCode, 202)
  const done = await waitFor(first.app, id, ['done', 'failed'], 60_000)
  t.equal(done.status, 'done')
  t.equal(done.backfill_run_id, run.json().run_id, 'the record names the backfill that wrote during it')

  const duringBackfill = await startVerify(first.app)
  t.equal(duringBackfill.statusCode, 409, 'rows the backfill has not written yet would read as missing')
  t.equal(errorOf(duringBackfill).code, 'RUN_IN_PROGRESS')
})

t.test('closing the app interrupts its verify; a record whose process died without a word reads as interrupted', async (t) => {
  const tables = await useMigrationTables(t)
  await generate(tables, 80, 'verify-http-close')
  const first = await build(t, { tables, env: { MIGRATION_PAGE_SIZE: '5' } })
  const second = await build(t, { tables })
  const id = (await startVerify(first.app)).json().verification_id as string
  await first.app.close()
  const interrupted = (await readVerification(second.app, id)).json()
  t.equal(interrupted.status, 'interrupted', 'closing the app stops the verify after its pages in progress')
  t.equal(interrupted.report, undefined)
  t.ok(interrupted.finished_at)
  t.equal((await startVerify(second.app)).statusCode, 202, 'and frees the verify lock')

  // A process killed mid-verify leaves its record running; its lease tells it is gone.
  const dead = 'ver-20200101T000000Z-dead00'
  await tables.doc.send(
    new PutCommand({
      TableName: tables.names.migration,
      Item: {
        ...verificationKey(dead),
        verification_id: dead,
        status: 'running',
        segments: 2,
        page_size: 100,
        started_at: '2020-01-01T00:00:00.000Z',
        updated_at: '2020-01-01T00:00:05.000Z',
        owner: 'elsewhere:1:abcd',
        lease_until: Date.now() - 1,
        progress: { pass: 'legacy', legacy_read: 10, migrated_read: 0, differences: 0, total_estimate: null },
      },
    }),
  )
  const gone = (await readVerification(second.app, dead)).json()
  t.match(gone, { verification_id: dead, status: 'interrupted', progress: { legacy_read: 10 } })
})
