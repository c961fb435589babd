import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { TARGET_TABLES } from '@f1/legacy/result'
import type { BackfillReport } from '../src/lib/report.ts'
import { envFor, generate, scanAll, startCli, usageTotal, useMigrationTables } from './helper.ts'

const SEGMENTS = 3
const PAGE = 40

t.test('a backfill killed with SIGKILL mid-run resumes from its checkpoints and ends exactly as an uninterrupted run', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 250, 'resume')
  const legacyBefore = await scanAll(tables.doc, tables.names.legacy)
  const env = envFor(tables)
  const args = ['backfill', '--segments', String(SEGMENTS), '--page-size', String(PAGE)]

  // Slowed down by --rate so that it is surely killed in the middle.
  const first = startCli([...args, '--rate', '150', '--concurrency', '4'], env)
  t.teardown(() => first.child.kill('SIGKILL'))
  let pages = 0
  for (let waited = 0; pages < 4; waited += 100) {
    if (waited > 30_000) throw new Error(`no progress: ${(await Promise.race([first.output, sleep(10)]))?.stderr ?? ''}`)
    await sleep(100)
    const checkpoints = (await scanAll(tables.doc, tables.names.migration)).filter((item) => String(item.sk).startsWith('segment#'))
    pages = checkpoints.reduce((n, cp) => n + Number(cp.pages), 0)
  }
  first.child.kill('SIGKILL')
  const killed = await first.output
  t.equal(killed.signal, 'SIGKILL', 'the first run was killed')

  const state = await scanAll(tables.doc, tables.names.migration)
  const [run] = state.filter((item) => item.pk === 'runs')
  const lock = state.find((item) => item.pk === 'lock')
  t.equal(run?.status, 'running', 'the killed run could not record anything')
  t.ok(lock?.owner, 'and it still holds the lock (its lease has not run out)')
  const rowsAtKill = (await scanAll(tables.doc, tables.names.actions)).length
  t.ok(
    rowsAtKill > 0 && rowsAtKill < tally.expected.rows.actions,
    `killed midway (${rowsAtKill} of ${tally.expected.rows.actions} actions)`,
  )

  // Started again: it takes over the dead process's lock at once and resumes the same run.
  const dir = mkdtempSync(join(tmpdir(), 'migrator-resume-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const reportFile = join(dir, 'report.json')
  const second = await startCli([...args, '--report', reportFile], env).output
  t.equal(second.code, 0, `the resumed run completes: ${second.stderr}`)
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as BackfillReport
  t.equal(report.run_id, run?.run_id, 'the same run')
  t.equal(report.resumed, 1, 'resumed once')

  // The report of the resumed run counts every item once, as an uninterrupted run would.
  t.equal(report.totals.read, tally.items, 'every item read once over both processes')
  t.strictSame(report.rejected, tally.expected.rejected, 'rejected by reason')
  t.strictSame(report.skipped, tally.expected.skipped, 'skipped by reason')
  t.equal(report.email_conflicts.count, tally.expected.emailConflicts, 'email conflicts from both processes')
  for (const table of TARGET_TABLES) t.equal(report.tables[table].mapped, tally.expected.mapped[table], `${table}: mapped`)
  for (const table of ['subscriptions', 'actions', 'simulations'] as const) {
    const c = report.tables[table]
    t.equal(c.written + c.already_present, tally.expected.rows[table], `${table}: every row written once, found present when redone`)
  }
  const u = report.tables.usage
  // Rows the killed process created in its unfinished pages are found counted when those pages are redone.
  t.ok(u.written <= tally.expected.rows.usage && u.written > 0, 'usage: rows created by one process or the other')
  t.equal(u.written + u.merged + u.already_counted, tally.expected.mapped.usage, 'usage: every legacy item counted once')
  const redone = report.totals.already_present + u.already_counted
  t.ok(redone <= SEGMENTS * PAGE, `at most one page per segment was redone (${redone} rows)`)

  // And the tables hold exactly what they should.
  for (const table of TARGET_TABLES) {
    t.equal((await scanAll(tables.doc, tables.names[table])).length, tally.expected.rows[table], `${table}: no row twice, none lost`)
  }
  t.equal(await usageTotal(tables), tally.expected.usageCount, 'usage totals exact: no count added twice')
  t.strictSame(await scanAll(tables.doc, tables.names.legacy), legacyBefore, 'the legacy table is unchanged')

  const verified = await startCli(['verify', '--segments', String(SEGMENTS)], env).output
  t.equal(verified.code, 0, `verify agrees: ${verified.stdout}`)
  t.match(verified.stdout, /Legacy and the new tables agree\./)

  const status = await startCli(['status'], env).output
  t.match(status.stdout, new RegExp(`${run?.run_id}\\s+completed`))
  t.match(status.stdout, /No backfill is running\./, 'the lock was released')
})
