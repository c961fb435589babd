import { Writable } from 'node:stream'
import t from 'tap'
import { main, progressLine } from '../src/cli/main.ts'
import { envFor, generate, useMigrationTables } from './helper.ts'

function io(env: Record<string, string>) {
  const out = { stdout: '', stderr: '' }
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        out[key] += String(chunk)
        done()
      },
    })
  return { io: { stdout: sink('stdout'), stderr: sink('stderr'), env }, out }
}

t.test('the CLI explains itself and refuses bad options with exit code 2', async (t) => {
  const help = io({})
  t.equal(await main(['--help'], help.io), 0)
  t.match(help.out.stdout, /backfill\s+Migrate every legacy item/)
  t.equal(await main([], io({}).io), 2, 'no command')
  const unknown = io({})
  t.equal(await main(['migrate-everything'], unknown.io), 2)
  t.match(unknown.out.stderr, /Unknown command migrate-everything/)
  const bad = io({})
  t.equal(await main(['backfill', '--segments', 'many'], bad.io), 2)
  t.match(bad.out.stderr, /--segments must be an integer/)
  const noUsers = io({})
  t.equal(await main(['generate'], noUsers.io), 2)
  t.match(noUsers.out.stderr, /generate needs --users N/)
})

t.test('generate refuses any deployed stage: made-up data never goes into a real legacy table', async (t) => {
  const run = io({ STAGE: 'prod', AWS_REGION: 'eu-west-1' })
  t.equal(await main(['generate', '--users', '5'], run.io), 2)
  t.match(run.out.stderr, /runs only with STAGE=local \(got prod\)/)
})

t.test('a dry run prints the report per kind and per table, and writes nothing', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 20, 'cli-dry')
  const run = io(envFor(tables))
  t.equal(await main(['backfill', '--dry-run', '--segments', '2'], run.io), 0)
  t.match(run.out.stdout, /Backfill \(dry run\): completed \(dry run: nothing written\)/)
  t.match(run.out.stdout, new RegExp(`read ${tally.items.toLocaleString('en-US')}, mapped`))
  t.match(run.out.stdout, /per table\s+mapped\s+written/)
  t.match(run.out.stdout, /rejected by reason: /)
})

t.test('the progress line shows items read, written, skipped, rejected, speed and ETA', async (t) => {
  const line = progressLine(
    'run-1',
    { read: 12_345, written: 11_000, skipped: 300, rejected: 120, failed: 0, total_estimate: 100_000, items_per_s: 2345, eta_s: 37 },
    3,
  )
  t.equal(line, 'run-1: read 12,345/100,000 | written 11,000 | skipped 300 | rejected 120 | 2,345 items/s | ETA 0:00:37 | throttled 3')
})

t.test('stages shows every kind and moves one as an admin; a refused move exits 4 naming its condition', async (t) => {
  const tables = await useMigrationTables(t)
  const env = { ...envFor(tables), MIGRATION_SHADOW_MIN_COMPARISONS: '5' }
  const shown = io(env)
  t.equal(await main(['stages'], shown.io), 0)
  t.match(shown.out.stdout, /^subscriptions\s+fallback\s+since the start/m)
  t.match(shown.out.stdout, /new-only: no \(no finished verify/)

  const moved = io(env)
  t.equal(await main(['stages', 'set', 'usage', 'shadow', '--sample-rate', '0.5', '--by', 'admin-7'], moved.io), 0, moved.out.stderr)
  t.match(moved.out.stdout, /^usage\s+shadow\s+since \S+ by admin-7, sampling 50\.00 %/m)

  const refused = io(env)
  t.equal(await main(['stages', 'set', 'usage', 'new-only', '--by', 'admin-7'], refused.io), 4)
  t.match(refused.out.stderr, /Cannot move usage to new-only: no finished verify/)

  for (const args of [
    ['stages', 'set', 'profiles', 'shadow', '--by', 'a'],
    ['stages', 'set', 'usage', 'live', '--by', 'a'],
    ['stages', 'set', 'usage', 'shadow'],
    ['stages', 'set', 'usage', 'shadow', '--by', 'a', '--sample-rate', '0'],
  ]) {
    const bad = io(env)
    t.equal(await main(args, bad.io), 2, args.join(' '))
  }
  const json = io(env)
  t.equal(await main(['stages', '--json'], json.io), 0)
  t.match(JSON.parse(json.out.stdout), {
    kinds: [{ kind: 'subscriptions' }, { kind: 'usage', stage: 'shadow', sample_rate: 0.5, changed_by: 'admin-7' }, {}, {}],
  })
})
