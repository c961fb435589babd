import t from 'tap'
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { backfill, changePlan, envFor, generate, scanAll, startCli, useMigrationTables, verify } from './helper.ts'

t.test('verify lists every missing, different and extra row with its legacy id, and only those', async (t) => {
  const tables = await useMigrationTables(t)
  await generate(tables, 60, 'verify-differences')
  await backfill(tables)
  const { doc, names } = tables
  const [action] = await scanAll(doc, names.actions)
  const [paid, liveUpdated] = await scanAll(doc, names.subscriptions)
  const usage = (await scanAll(doc, names.usage)).filter((row) => (row.legacy_ids as Set<string>).size === 1)
  const [counted, uncounted] = usage
  if (!action || !paid || !liveUpdated || !counted || !uncounted) throw new Error('the generated data is too small for this test')

  // missing: a migrated action row is gone
  await doc.send(new DeleteCommand({ TableName: names.actions, Key: { user_id: action.user_id, timestamp: action.timestamp } }))
  // different: a migrated subscription row no longer holds what its profile says
  await changePlan(tables, paid)
  // not a difference: a Stripe event changed a migrated row since (live data wins)
  await doc.send(
    new UpdateCommand({
      TableName: names.subscriptions,
      Key: { user_id: liveUpdated.user_id, subscription_id: liveUpdated.subscription_id },
      UpdateExpression: 'SET plan_id = :p, #status = :s, last_event_id = :e',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':p': 'team', ':s': 'past_due', ':e': 'evt_live' },
    }),
  )
  // extra: a row claiming a legacy item that does not exist
  await doc.send(
    new PutCommand({
      TableName: names.simulations,
      Item: {
        simulation_id: 'ghost',
        created_at: '2024-01-01T00:00:00.000Z',
        user_id: 'nobody',
        migrated_from: 'no-such-legacy-id',
        migrated_at: '2025-01-01T00:00:00.000Z',
      },
    }),
  )
  // different: a usage row counting more than its legacy items add up to
  await doc.send(
    new UpdateCommand({
      TableName: names.usage,
      Key: { user_id: counted.user_id, feature_date_key: counted.feature_date_key },
      UpdateExpression: 'ADD migrated_count :five, usage_count :five',
      ExpressionAttributeValues: { ':five': 5 },
    }),
  )
  // missing: a usage row that lost a legacy id (its count is then not the legacy sum either)
  const [lostId] = uncounted.legacy_ids as Set<string>
  await doc.send(
    new UpdateCommand({
      TableName: names.usage,
      Key: { user_id: uncounted.user_id, feature_date_key: uncounted.feature_date_key },
      UpdateExpression: 'DELETE legacy_ids :id',
      ExpressionAttributeValues: { ':id': new Set([lostId]) },
    }),
  )

  const { report, differences } = await verify(tables)

  t.notOk(report.agree)
  const seen = differences.map((d) => `${d.type} ${d.table} ${d.legacy_id}`).sort()
  t.strictSame(
    seen,
    [
      `different subscriptions ${paid.migrated_from}`,
      `different usage ${counted.migrated_from}`,
      `extra simulations no-such-legacy-id`,
      `missing actions ${action.migrated_from}`,
      `missing usage ${lostId}`,
    ].sort(),
  )
  t.match(differences.find((d) => d.table === 'subscriptions')?.detail, /plan_id: expected/)
  t.match(differences.find((d) => d.table === 'usage' && d.type === 'different')?.detail, /migrated_count \d+, legacy counts add up to \d+/)
  t.equal(report.tables.subscriptions.kept_live, 1, 'the row a Stripe event changed is counted as kept, not reported')

  const cli = await startCli(['verify', '--segments', '2'], envFor(tables)).output
  t.equal(cli.code, 1, 'the CLI exits 1 when they differ')
  t.match(cli.stdout, new RegExp(`MISSING\\s+actions\\s+legacy ${action.migrated_from}`))
  t.match(cli.stdout, /EXTRA\s+simulations\s+legacy no-such-legacy-id/)
  t.match(cli.stdout, /Differences: 2 missing, 2 different, 1 extra\./)
})
