import t from 'tap'
import { buildApp as buildMigrator } from '@f1/migrator/app'
import { loadMigratorConfig } from '@f1/migrator/config'
import { errorOf, serviceTokenEnv } from '@f1/service-kit/testing'
import { tableNamesToEnv } from '@f1/tables'
import { useTestTables } from '@f1/tables/testing'
import { bearer, build, json, register, registerAdmin } from './helper.ts'

async function withMigrator(t: { teardown(fn: () => unknown): void }) {
  const tables = await useTestTables(t)
  const migrator = await buildMigrator(
    loadMigratorConfig({
      env: {
        ...serviceTokenEnv('migrator'),
        DYNAMODB_ENDPOINT: tables.endpoint,
        EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9',
        ...tableNamesToEnv(tables.names),
      },
    }),
    { logger: false },
  )
  const url = await migrator.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => migrator.close())
  const built = await build(t, { gatewayEnv: { MIGRATOR_URL: url } })
  return { built }
}

t.test('an admin reads the migration status and starts a dry-run backfill through the migrator', async (t) => {
  const { built } = await withMigrator(t)
  const { token } = await registerAdmin(built.app)
  const status = await built.app.inject({ url: '/api/admin/migration/status', headers: bearer(token) })
  t.equal(status.statusCode, 200)
  t.match(status.json(), { current_run: null })
  const started = await built.app.inject({
    method: 'POST',
    url: '/api/admin/migration/backfill',
    headers: bearer(token),
    payload: { dry_run: true, segments: 2 },
  })
  t.equal(started.statusCode, 202, started.body)
  t.match(json(started), { run_id: String })
  const unknown = await built.app.inject({
    method: 'POST',
    url: '/api/admin/migration/backfill',
    headers: bearer(token),
    payload: { dry_run: 'yes' },
  })
  t.equal(unknown.statusCode, 400)
  t.equal(errorOf(unknown).code, 'VALIDATION_FAILED')
})

t.test('a user without role admin gets 403 on the admin routes, and no token gets 401', async (t) => {
  const { built } = await withMigrator(t)
  const user = await register(built.app)
  for (const req of [
    { url: '/api/admin/migration/status' },
    { method: 'POST' as const, url: '/api/admin/migration/backfill', payload: {} },
  ]) {
    t.equal((await built.app.inject({ ...req, headers: bearer(user.token) })).statusCode, 403)
    t.equal((await built.app.inject(req)).statusCode, 401)
  }
})

t.test("the admin routes bound their inputs with the migrator's own schema: an unbounded rate is a 400", async (t) => {
  const { built } = await withMigrator(t)
  const { token } = await registerAdmin(built.app)
  for (const payload of [{ rate: 10_000_000 }, { segments: 0 }, { dry_run: true, extra: 1 }]) {
    const res = await built.app.inject({ method: 'POST', url: '/api/admin/migration/backfill', headers: bearer(token), payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(errorOf(res).code, 'VALIDATION_FAILED')
  }
  const status = await built.app.inject({ url: '/api/admin/migration/status', headers: bearer(token) })
  t.same(json(status).current_run, null, 'no run was started')
})

t.test('an admin follows a started run by its id', async (t) => {
  const { built } = await withMigrator(t)
  const { token } = await registerAdmin(built.app)
  const started = await built.app.inject({
    method: 'POST',
    url: '/api/admin/migration/backfill',
    headers: bearer(token),
    payload: { dry_run: true, segments: 1 },
  })
  const { run_id: runId } = json<{ run_id: string }>(started)
  const run = await built.app.inject({ url: `/api/admin/migration/runs/${runId}`, headers: bearer(token) })
  t.equal(run.statusCode, 200)
  t.match(json(run), { run_id: runId, dry_run: true, segments: 1, progress: { read: Number } })
  const missing = await built.app.inject({ url: '/api/admin/migration/runs/no-such-run', headers: bearer(token) })
  t.equal(missing.statusCode, 404)
})

t.test(
  'an admin starts a verify through the migrator, a retry with its Idempotency-Key gets the same one, and follows it to its report',
  async (t) => {
    const { built } = await withMigrator(t)
    const { token } = await registerAdmin(built.app)
    const start = () =>
      built.app.inject({
        method: 'POST',
        url: '/api/admin/migration/verify',
        headers: { ...bearer(token), 'idempotency-key': 'verify-once-0001' },
        payload: { segments: 2 },
      })
    const started = await start()
    t.equal(started.statusCode, 202, started.body)
    const { verification_id: id } = json<{ verification_id: string }>(started)
    t.match(id, /^ver-\d{8}T\d{6}Z-[0-9a-f]{6}$/)
    const retried = await start()
    t.equal(retried.statusCode, 202)
    t.equal(retried.headers['idempotent-replayed'], 'true')
    t.equal(json<{ verification_id: string }>(retried).verification_id, id, 'the retry started nothing new')

    let verification = json<{ status: string; report?: { agree: boolean; sample: unknown[] } }>(
      await built.app.inject({ url: `/api/admin/migration/verifications/${id}`, headers: bearer(token) }),
    )
    for (let i = 0; i < 100 && verification.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      verification = json(await built.app.inject({ url: `/api/admin/migration/verifications/${id}`, headers: bearer(token) }))
    }
    t.match(verification, { verification_id: id, status: 'done', segments: 2, report: { agree: true, sample: [] } })
    const status = await built.app.inject({ url: '/api/admin/migration/status', headers: bearer(token) })
    t.match(json(status).last_verification, { verification_id: id, status: 'done' }, 'the status relays the last verify too')

    const unknown = await built.app.inject({
      url: '/api/admin/migration/verifications/ver-20200101T000000Z-abcdef',
      headers: bearer(token),
    })
    t.equal(unknown.statusCode, 404)
    t.equal(errorOf(unknown).code, 'NOT_FOUND')
    const bad = await built.app.inject({ url: '/api/admin/migration/verifications/no-such-id', headers: bearer(token) })
    t.equal(bad.statusCode, 400)
    const badBody = await built.app.inject({
      method: 'POST',
      url: '/api/admin/migration/verify',
      headers: bearer(token),
      payload: { segments: 0 },
    })
    t.equal(badBody.statusCode, 400)
    t.equal(errorOf(badBody).code, 'VALIDATION_FAILED')
  },
)

t.test('a user without role admin gets 403 on the verify routes and no verify starts; no token gets 401', async (t) => {
  const { built } = await withMigrator(t)
  const user = await register(built.app)
  const verify = { method: 'POST' as const, url: '/api/admin/migration/verify', payload: {} }
  const read = { url: '/api/admin/migration/verifications/ver-20200101T000000Z-abcdef' }
  for (const req of [verify, read]) {
    const refused = await built.app.inject({ ...req, headers: bearer(user.token) })
    t.equal(refused.statusCode, 403, req.url)
    t.equal(errorOf(refused).code, 'FORBIDDEN')
    t.equal((await built.app.inject(req)).statusCode, 401)
  }
  const { token } = await registerAdmin(built.app)
  const status = await built.app.inject({ url: '/api/admin/migration/status', headers: bearer(token) })
  t.equal(json(status).last_verification, null, 'no verification was recorded')
})

t.test('an admin reads every kind’s migration stage and moves one, as themselves; a refused move names its condition', async (t) => {
  const { built } = await withMigrator(t)
  const { token, userId } = await registerAdmin(built.app)
  const stages = await built.app.inject({ url: '/api/admin/migration/stages', headers: bearer(token) })
  t.equal(stages.statusCode, 200)
  t.same(
    stages.json<{ kinds: Array<{ kind: string; stage: string }> }>().kinds.map((k) => `${k.kind}:${k.stage}`),
    ['subscriptions:fallback', 'usage:fallback', 'actions:fallback', 'simulations:fallback'],
  )
  const moved = await built.app.inject({
    method: 'PUT',
    url: '/api/admin/migration/stages/usage',
    headers: bearer(token),
    payload: { stage: 'shadow', sample_rate: 0.25 },
  })
  t.equal(moved.statusCode, 200, moved.body)
  t.match(json(moved), { kind: 'usage', stage: 'shadow', sample_rate: 0.25, changed_by: userId })
  const refused = await built.app.inject({
    method: 'PUT',
    url: '/api/admin/migration/stages/usage',
    headers: bearer(token),
    payload: { stage: 'new-only' },
  })
  t.equal(refused.statusCode, 409)
  t.match(errorOf(refused), { code: 'STAGE_PRECONDITION_FAILED', details: { condition: /no finished verify/ } })
  for (const payload of [{ stage: 'shadow', changed_by: 'someone-else' }, { stage: 'live' }]) {
    const bad = await built.app.inject({ method: 'PUT', url: '/api/admin/migration/stages/usage', headers: bearer(token), payload })
    t.equal(bad.statusCode, 400, JSON.stringify(payload))
  }
  const user = await register(built.app)
  t.equal((await built.app.inject({ url: '/api/admin/migration/stages', headers: bearer(user.token) })).statusCode, 403)
})
