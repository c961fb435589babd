import t from 'tap'
import { buildApp as buildMigrator } from '@f1/migrator/app'
import { loadMigratorConfig } from '@f1/migrator/config'
import { errorOf, serviceTokenEnv } from '@f1/service-kit/testing'
import { tableNamesToEnv } from '@f1/tables'
import { useTestTables } from '@f1/tables/testing'
import { bearer, build, login, register, registerAdmin } from './helper.ts'

interface Clock {
  now: () => number
  advance(ms: number): void
}

function clock(): Clock {
  let at = Date.now()
  return { now: () => at, advance: (ms) => (at += ms) }
}

/** The gateway with a real migrator behind its admin routes, and the role cache on a clock the test moves. */
async function withAdminRoutes(t: { teardown(fn: () => unknown): void }, time = clock()) {
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
  const built = await build(t, { gatewayEnv: { MIGRATOR_URL: url }, now: time.now })
  const status = (token: string) => built.app.inject({ url: '/api/admin/migration/status', headers: bearer(token) })
  return { ...built, time, status }
}

const roleOf = (app: Awaited<ReturnType<typeof build>>['app'], token: string) => app.jwt.decode<{ role: string }>(token)?.role

t.test('registering with the address that used to be in ADMIN_EMAILS gives role user, at registration and at login', async (t) => {
  // The old list, had it survived, would have named this address; the variable is gone and ignored.
  const { app, status } = await withAdminRoutes(t)
  const suffix = Math.random().toString(36).slice(2, 8)
  const email = `admin+${suffix}@f1-race-sim.dev`
  const user = await register(app, email)
  t.equal(roleOf(app, user.token), 'user')
  const token = await login(app, email.toUpperCase(), user.password)
  t.equal(roleOf(app, token), 'user')
  const res = await status(token)
  t.equal(res.statusCode, 403)
  t.equal(errorOf(res).code, 'FORBIDDEN')
  t.equal((await app.profiles.findProfileByEmail(email))?.role, 'user')
})

t.test('a granted role reaches the next login token, and the admin routes answer it', async (t) => {
  const { app, status } = await withAdminRoutes(t)
  const user = await register(app)
  await app.profiles.setRole(user.userId, 'admin')
  t.equal((await status(user.token)).statusCode, 403, 'the token of before the grant still says user')
  const token = await login(app, user.email, user.password)
  t.equal(roleOf(app, token), 'admin')
  t.equal((await status(token)).statusCode, 200)
})

t.test('a revocation stops an admin token already issued once the role cache expires (30 s)', async (t) => {
  const { app, status, time } = await withAdminRoutes(t)
  const admin = await registerAdmin(app)
  t.equal((await status(admin.token)).statusCode, 200)
  await app.profiles.setRole(admin.userId, 'user')
  t.equal((await status(admin.token)).statusCode, 200, 'the cached role is reused within its TTL')
  time.advance(29_000)
  t.equal((await status(admin.token)).statusCode, 200, 'still within 30 s')
  time.advance(1_001)
  const refused = await status(admin.token)
  t.equal(refused.statusCode, 403, 'the next request after the TTL reads the profile again')
  t.equal(errorOf(refused).code, 'FORBIDDEN')
  t.equal(roleOf(app, await login(app, admin.email, admin.password)), 'user', 'and a new login gets role user')
})

t.test('the role cache is per user: revoking one admin leaves another admin alone', async (t) => {
  const { app, status, time } = await withAdminRoutes(t)
  const [a, b] = [await registerAdmin(app), await registerAdmin(app)]
  await app.profiles.setRole(a.userId, 'user')
  time.advance(30_001)
  t.equal((await status(a.token)).statusCode, 403)
  t.equal((await status(b.token)).statusCode, 200)
})
