import t from 'tap'
import { DEFECT_NAMES, TIMESTAMP_FORMATS } from '@f1/legacy/generator'
import { REJECTION_REASONS, TARGET_TABLES } from '@f1/legacy/result'
import { backfill, generate, scanAll, usageTotal, useMigrationTables, verify } from './helper.ts'

const DAY_S = 86_400

t.test('generated data with every defect is backfilled, verifies clean, and the report counts what the generator says', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 300, 'migrator-tests')
  for (const defect of DEFECT_NAMES) t.ok(tally.defects[defect] > 0, `the data has the defect ${defect}`)
  for (const format of TIMESTAMP_FORMATS) t.ok(tally.timestampFormats[format] > 0, `the data has timestamps as ${format}`)
  const legacyBefore = await scanAll(tables.doc, tables.names.legacy)
  const startedAt = Date.now()

  const report = await backfill(tables)

  t.equal(report.status, 'completed')
  t.equal(report.totals.read, tally.items, 'every legacy item read once')
  for (const kind of Object.keys(tally.byKind) as Array<keyof typeof tally.byKind>) {
    t.equal(report.kinds[kind].read, tally.byKind[kind], `read ${kind} items`)
  }
  t.strictSame(report.rejected, tally.expected.rejected, 'rejected by reason')
  t.strictSame(report.skipped, tally.expected.skipped, 'skipped by reason (email locks, free profiles)')
  t.strictSame(report.warnings, tally.expected.warnings, 'warnings')
  for (const table of TARGET_TABLES) {
    t.equal(report.tables[table].mapped, tally.expected.mapped[table], `${table}: items mapped`)
    t.equal(report.tables[table].written, tally.expected.rows[table], `${table}: rows written`)
    t.equal(
      report.tables[table].already_present + report.tables[table].kept_live + report.tables[table].failed,
      0,
      `${table}: nothing else`,
    )
  }
  t.equal(
    report.tables.usage.merged,
    tally.expected.mapped.usage - tally.expected.rows.usage,
    'duplicate usage items merged into their day',
  )
  t.equal(report.email_conflicts.count, tally.expected.emailConflicts, 'email conflicts listed')
  t.ok(report.email_conflicts.conflicts.every((c) => c.others.length > 0 && c.others.every((o) => o.email.toLowerCase() === c.email)))
  t.ok(
    report.samples.rejected.every((s) => (REJECTION_REASONS as readonly string[]).includes(s.reason)),
    'rejection samples name their reason',
  )

  for (const table of TARGET_TABLES) {
    const rows = await scanAll(tables.doc, tables.names[table])
    t.equal(rows.length, tally.expected.rows[table], `${table} holds one row per expected row`)
    t.ok(
      rows.every((row) => typeof row.migrated_from === 'string' && typeof row.migrated_at === 'string'),
      `${table}: every row says where and when it came from`,
    )
    if (table === 'usage' || table === 'actions') {
      // Retention: migrated history outlives the live TTL rule, so verify (and users) still find it.
      const soonest = Math.min(...rows.map((row) => Number(row.expires_at)))
      t.ok(soonest >= Math.floor(startedAt / 1000) + 399 * DAY_S, `${table}: rows are kept at least 400 days after migration`)
    }
  }
  t.equal(await usageTotal(tables), tally.expected.usageCount, 'usage totals are exact')
  t.strictSame(await scanAll(tables.doc, tables.names.legacy), legacyBefore, 'the legacy table is unchanged')

  const { report: check, differences } = await verify(tables)
  t.strictSame(differences, [], 'verify lists no difference')
  t.ok(check.agree)
  t.equal(check.legacy.rejected, report.totals.rejected, 'verify counts the rejections as expected, not as differences')
})

t.test('a second run writes nothing: every row is found already present and every usage count already counted', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 60, 'second-run')
  await backfill(tables)
  const rowsBefore = await scanAll(tables.doc, tables.names.subscriptions)
  const total = await usageTotal(tables)

  const again = await backfill(tables, { segments: 2 })

  t.equal(again.totals.written + again.totals.merged, 0, 'nothing written')
  for (const table of ['subscriptions', 'actions', 'simulations'] as const) {
    t.equal(again.tables[table].already_present, tally.expected.rows[table], `${table}: already present`)
  }
  t.equal(again.tables.usage.already_counted, tally.expected.mapped.usage, 'every usage item was counted before')
  t.equal(await usageTotal(tables), total, 'usage totals unchanged')
  t.strictSame(await scanAll(tables.doc, tables.names.subscriptions), rowsBefore, 'rows unchanged (not even migrated_at)')
})

t.test('a dry run reads and transforms everything, writes nothing, and reports what a run would map', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 80, 'dry-run')
  const legacyBefore = await scanAll(tables.doc, tables.names.legacy)

  const report = await backfill(tables, { dryRun: true })

  t.equal(report.dry_run, true)
  t.equal(report.run_id, null, 'a dry run from the CLI keeps no run record')
  t.equal(report.totals.read, tally.items)
  for (const table of TARGET_TABLES) {
    t.equal(report.tables[table].mapped, tally.expected.mapped[table], `${table}: would map`)
    t.equal(report.tables[table].written, 0, `${table}: wrote nothing`)
    t.strictSame(await scanAll(tables.doc, tables.names[table]), [], `${table} is empty`)
  }
  t.strictSame(report.rejected, tally.expected.rejected)
  t.equal(report.email_conflicts.count, tally.expected.emailConflicts, 'conflicts found in memory')
  t.strictSame(await scanAll(tables.doc, tables.names.migration), [], 'no lock, run record or checkpoint either')
  t.strictSame(await scanAll(tables.doc, tables.names.legacy), legacyBefore, 'the legacy table is unchanged')
})

t.test('email_lock items are skipped and never written anywhere', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 40, 'locks', { emailLock: 1 })
  const report = await backfill(tables)
  t.equal(report.skipped.email_lock, 40)
  t.equal(report.kinds.email_lock.read, tally.byKind.email_lock)
  for (const table of TARGET_TABLES) {
    const rows = await scanAll(tables.doc, tables.names[table])
    t.notOk(
      rows.some((row) => String(row.migrated_from).startsWith('EMAIL#')),
      `no ${table} row comes from an email lock`,
    )
  }
})
