import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { readStages, stagePut } from '@f1/tables/migration-stages'
import t from 'tap'
import { main, progressLine } from '../src/cli/main.ts'
import { envFor, generate, scanAll, useMigrationTables } from './helper.ts'

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

t.test(
  'archive: a retired kind is exported, then removed from legacy only by an explicit delete with the exported count, each item only if unchanged',
  async (t) => {
    const tables = await useMigrationTables(t)
    await generate(tables, 15, 'archive')
    const env = envFor(tables)
    const dir = t.testdir()
    const refused = io(env)
    t.equal(await main(['archive', 'export', 'actions', '--out', `${dir}/early.jsonl`], refused.io), 4, 'not retired: refused')
    t.match(refused.out.stderr, /actions is in fallback, not retired/)

    const current = (await readStages(tables.doc, tables.names.migration)).actions
    await tables.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          stagePut(tables.names.migration, current, { stage: 'retired', sampleRate: 0.1, at: new Date().toISOString(), by: 't' }),
        ],
      }),
    )
    const before = await scanAll(tables.doc, tables.names.legacy)
    const actions = before.filter((item) => String(item.type).toLowerCase().startsWith('action'))
    t.ok(actions.length > 2, 'the data has actions')

    const exported = io(env)
    t.equal(await main(['archive', 'export', 'actions', '--out', `${dir}/actions.jsonl`], exported.io), 0, exported.out.stderr)
    const count = Number(/Exported (\d+) /.exec(exported.out.stdout)?.[1])
    t.ok(count > 0 && count <= actions.length, `exported ${count}`)

    const wrongCount = io(env)
    t.equal(await main(['archive', 'delete', 'actions', '--from', `${dir}/actions.jsonl`, '--expect', String(count + 1)], wrongCount.io), 1)
    t.match(wrongCount.out.stderr, /holds \d+ items, not the \d+ given.*Nothing was removed/)
    const dry = io(env)
    t.equal(
      await main(['archive', 'delete', 'actions', '--from', `${dir}/actions.jsonl`, '--expect', String(count), '--dry-run'], dry.io),
      0,
    )
    t.same(await scanAll(tables.doc, tables.names.legacy), before, 'nothing removed by the wrong count or the dry run')

    // One exported item changes behind the archive's back: it is left where it is.
    const line = JSON.parse(readFileSync(`${dir}/actions.jsonl`, 'utf8').split('\n')[0]!) as {
      strategy_id: string
      attributes: Record<string, unknown>
    }
    const field = Object.keys(line.attributes).find((name) => !['strategy_id', 'type', 'user_id'].includes(name))!
    await tables.doc.send(
      new UpdateCommand({
        TableName: tables.names.legacy,
        Key: { strategy_id: line.strategy_id },
        UpdateExpression: 'SET #f = :v',
        ExpressionAttributeNames: { '#f': field },
        ExpressionAttributeValues: { ':v': 'edited since the export' },
      }),
    )
    const removed = io(env)
    t.equal(
      await main(['archive', 'delete', 'actions', '--from', `${dir}/actions.jsonl`, '--expect', String(count)], removed.io),
      1,
      removed.out.stderr,
    )
    t.match(removed.out.stdout, new RegExp(`Removed ${count - 1} of ${count} legacy items of actions; 1 changed or gone since the export`))
    const after = await scanAll(tables.doc, tables.names.legacy)
    t.equal(after.length, before.length - (count - 1))
    t.ok(
      after.some((item) => item.strategy_id === line.strategy_id),
      'the changed item stays',
    )
    t.equal(
      after.filter((item) => !String(item.type).toLowerCase().startsWith('action')).length,
      before.length - actions.length,
      'no other kind touched',
    )
  },
)

t.test('archiving subscriptions removes the subscription attributes of each profile, never the profile', async (t) => {
  const tables = await useMigrationTables(t)
  await generate(tables, 10, 'archive-subs')
  const env = envFor(tables)
  const dir = t.testdir()
  const current = (await readStages(tables.doc, tables.names.migration)).subscriptions
  await tables.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        stagePut(tables.names.migration, current, { stage: 'retired', sampleRate: 0.1, at: new Date().toISOString(), by: 't' }),
      ],
    }),
  )
  const profiles = (await scanAll(tables.doc, tables.names.legacy)).filter((item) =>
    ['user', 'profile'].includes(String(item.type).toLowerCase()),
  )
  const exported = io(env)
  t.equal(await main(['archive', 'export', 'subscriptions', '--out', `${dir}/subs.jsonl`], exported.io), 0)
  const count = Number(/Exported (\d+) /.exec(exported.out.stdout)?.[1])
  t.equal(await main(['archive', 'delete', 'subscriptions', '--from', `${dir}/subs.jsonl`, '--expect', String(count)], io(env).io), 0)
  const after = (await scanAll(tables.doc, tables.names.legacy)).filter((item) =>
    ['user', 'profile'].includes(String(item.type).toLowerCase()),
  )
  t.equal(after.length, profiles.length, 'every profile is still there')
  t.ok(
    after.every((item) => item.plan === undefined && item.stripe_customer_id === undefined),
    'without its subscription',
  )
  t.ok(
    after.every((item) => typeof item.email === 'string' || item.email === undefined),
    'the rest of the profile kept',
  )
})
