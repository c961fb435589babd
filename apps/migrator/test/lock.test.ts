import t from 'tap'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { RunInProgressError } from '../src/errors.ts'
import { startBackfill } from '../src/migration/backfill.ts'
import { RUN_DEFAULTS, generate, jobDeps, scanAll, useMigrationTables } from './helper.ts'

const holder = (leaseUntil: number) => ({
  pk: 'lock',
  sk: 'backfill',
  owner: 'other-host:4242:abcd',
  host: 'other-host',
  pid: 4242,
  run_id: 'run-20260101T000000Z-aaaaaa',
  lease_until: leaseUntil,
  acquired_at: '2026-01-01T00:00:00.000Z',
})

t.test('a lock held by a process on another host keeps a run out until its lease runs out', async (t) => {
  const tables = await useMigrationTables(t)
  await generate(tables, 5, 'lock')
  await tables.doc.send(new PutCommand({ TableName: tables.names.migration, Item: holder(Date.now() + 60_000) }))
  await t.rejects(startBackfill(jobDeps(tables), RUN_DEFAULTS), RunInProgressError, 'a live lease elsewhere: refused')
  t.strictSame(
    (await scanAll(tables.doc, tables.names.migration)).map((item) => item.pk),
    ['lock'],
    'nothing recorded by the refused run',
  )

  await tables.doc.send(new PutCommand({ TableName: tables.names.migration, Item: holder(Date.now() - 1) }))
  const handle = await startBackfill(jobDeps(tables), RUN_DEFAULTS)
  const report = await handle.done
  t.equal(report.status, 'completed', 'an expired lease is taken over')
  const lock = (await scanAll(tables.doc, tables.names.migration)).find((item) => item.pk === 'lock')
  t.equal(lock?.owner, undefined, 'and released at the end')
  t.equal(lock?.run_id, handle.runId)
})

t.test('a dry run from the CLI neither needs nor takes the lock', async (t) => {
  const tables = await useMigrationTables(t)
  await generate(tables, 5, 'lock-dry')
  await tables.doc.send(new PutCommand({ TableName: tables.names.migration, Item: holder(Date.now() + 60_000) }))
  const report = await (await startBackfill(jobDeps(tables), { ...RUN_DEFAULTS, dryRun: true })).done
  t.equal(report.status, 'completed')
  t.equal((await scanAll(tables.doc, tables.names.migration)).length, 1, 'the lock item only, untouched')
})
