// The operator command as a real process, against this file's DynamoDB Local tables and a real
// action-log-service.
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { TEST_SERVICE_TOKEN, spawnTsx, serviceTokenEnv } from '@f1/service-kit/testing'
import { main } from '../src/cli/admin.ts'
import { build, login, register } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

const BIN = join(import.meta.dirname, '..', 'bin', 'admin.ts')

function runAdmin(built: Built, args: string[], env: Record<string, string> = {}) {
  return spawnTsx(BIN, args, {
    cwd: join(import.meta.dirname, '..'),
    env: {
      DYNAMODB_ENDPOINT: built.tables.endpoint,
      LEGACY_METADATA_TABLE: built.tables.names.legacy,
      ACTION_LOG_SERVICE_URL: built.actionLogUrl,
      ...serviceTokenEnv('gateway'),
      USER: 'ci-operator',
      ...env,
    },
  }).closed
}

async function actionsOf(built: Built, userId: string) {
  const res = await built.actionLog.inject({ url: `/users/${userId}/actions`, headers: { 'x-service-token': TEST_SERVICE_TOKEN } })
  return res.json<{ actions: Array<{ action_type: string; action_details: Record<string, unknown> }> }>().actions
}

const roleOf = (built: Built, token: string) => built.app.jwt.decode<{ role: string }>(token)?.role

t.test('grant makes the account an admin, logs "Role Granted" by the operator, and the next login token says admin', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  // pnpm passes a literal `--` through; the command ignores it.
  const run = await runAdmin(built, ['--', 'grant', user.email.toUpperCase(), '--by', 'Race Control'])
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, new RegExp(`is now an admin.*Logged as "Role Granted" by Race Control`))
  t.equal((await built.app.profiles.findProfileById(user.userId))?.role, 'admin')
  t.match(await actionsOf(built, user.userId), [
    { action_type: 'Role Granted', action_details: { role: 'admin', previous_role: 'user', by: 'Race Control' } },
  ])
  t.equal(roleOf(built, await login(built.app, user.email, user.password)), 'admin')
})

t.test('granting an admin again changes nothing and says so; revoke takes the role away and logs "Role Revoked"', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  t.equal((await runAdmin(built, ['grant', user.email])).code, 0)
  const again = await runAdmin(built, ['grant', user.email])
  t.equal(again.code, 0)
  t.match(again.stdout, /is already an admin; nothing changed/)
  const revoked = await runAdmin(built, ['revoke', user.email])
  t.equal(revoked.code, 0, revoked.stderr)
  t.match(revoked.stdout, /is no longer an admin; admin routes refuse its tokens within 30 s\. Logged as "Role Revoked" by ci-operator/)
  t.equal((await built.app.profiles.findProfileById(user.userId))?.role, 'user')
  const types = (await actionsOf(built, user.userId)).map((a) => a.action_type)
  t.same(types, ['Role Revoked', 'Role Granted'], 'one action per change, none for the no-op')
  const notAdmin = await runAdmin(built, ['revoke', user.email])
  t.equal(notAdmin.code, 0)
  t.match(notAdmin.stdout, /is not an admin; nothing changed/)
})

t.test('an unknown email exits 1 naming it', async (t) => {
  const built = await build(t)
  const run = await runAdmin(built, ['grant', 'nobody@example.com'])
  t.equal(run.code, 1)
  t.match(run.stderr, /no account has the email nobody@example\.com/)
})

t.test('when the change cannot be logged the role is put back and the command exits 1', async (t) => {
  const built = await build(t)
  const user = await register(built.app)
  const run = await runAdmin(built, ['grant', user.email], { ACTION_LOG_SERVICE_URL: 'http://127.0.0.1:9' })
  t.equal(run.code, 1)
  t.match(run.stderr, /could not be logged .*the role was put back, nothing changed/)
  t.equal((await built.app.profiles.findProfileById(user.userId))?.role, 'user')
})

t.test('--help explains the command; a bad command or a missing email exits 2 with the usage', async (t) => {
  // Usage errors stop before any configuration or table is touched: run in this process.
  const run = async (args: string[]) => {
    const out = { stdout: '', stderr: '' }
    const sink = (key: 'stdout' | 'stderr') =>
      new Writable({
        write(chunk, _encoding, done) {
          out[key] += String(chunk)
          done()
        },
      })
    const code = await main(args, { stdout: sink('stdout'), stderr: sink('stderr'), env: {} })
    return { code, ...out }
  }
  const help = await run(['--', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /grant <email>\s+Give the account role admin/)
  for (const args of [
    [],
    ['promote', 'a@example.com'],
    ['grant'],
    ['grant', 'a@example.com', 'b@example.com'],
    ['grant', 'a@example.com', '--sudo'],
  ]) {
    const bad = await run(args)
    t.equal(bad.code, 2, args.join(' '))
    t.match(bad.stderr, /Usage: pnpm --filter @f1\/gateway admin/)
  }
})
