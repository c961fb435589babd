import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { generateLegacyData } from '@f1/legacy/generator'
import { transformLegacyItem } from '@f1/legacy/items'
import { resolveTrackId } from '@f1/race-sim/tracks'
import { BUS_SECRET, backfill, build, generate, scanAll, usageTotal, userEvent, verify } from './helper.ts'

const USERS = 120
const SEED = 'live-traffic'
const RATES = { duplicateUsage: 0.4 }
// Live traffic counts recent days: their rows outlive the usage-service's TTL (35 days after the day).
const DAY_MS = 86_400_000
const SHAPE = { from: new Date(Date.now() - 20 * DAY_MS).toISOString(), to: new Date(Date.now() + 2 * DAY_MS).toISOString() }

/** The usage-service's consume: one conditional ADD on the day's counter (never read-then-write). */
async function consume(
  doc: DynamoDBDocumentClient,
  table: string,
  row: { user_id: string; feature_date_key: string; feature_name: string; reset_date: string },
  amount: number,
) {
  await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: { user_id: row.user_id, feature_date_key: row.feature_date_key },
      UpdateExpression:
        'SET feature_name = :feature, reset_date = :reset, limit_value = :limit, expires_at = :expires ADD usage_count :amount',
      ConditionExpression: 'attribute_not_exists(usage_count) OR usage_count <= :maxBefore',
      ExpressionAttributeValues: {
        ':feature': row.feature_name,
        ':reset': row.reset_date,
        ':limit': 1_000_000,
        ':expires': Math.floor(Date.parse(row.reset_date) / 1000) + 35 * 86_400,
        ':amount': amount,
        ':maxBefore': 1_000_000 - amount,
      },
    }),
  )
}

t.test(
  'a backfill racing live usage, live subscriptions and lazy migrations of the same users overwrites nothing and counts exactly',
  async (t) => {
    const { app, tables, events } = await build(t)
    const { doc, names } = tables
    const tally = await generate(tables, USERS, SEED, RATES, SHAPE)
    const legacyBefore = await scanAll(doc, names.legacy)

    // What legacy holds, from the same generator: every usage row's legacy sum, and the paid subscriptions.
    const usage = new Map<
      string,
      { row: { user_id: string; feature_date_key: string; feature_name: string; reset_date: string }; legacy: number; ids: Set<string> }
    >()
    const subscriptions: Array<{ user_id: string; subscription_id: string }> = []
    for (const item of generateLegacyData({ users: USERS, seed: SEED, rates: RATES, shape: SHAPE })) {
      const result = transformLegacyItem(item, { now: new Date(), resolveTrack: resolveTrackId })
      if (result.kind !== 'mapped') continue
      if (result.table === 'usage') {
        const key = `${result.item.user_id}/${result.item.feature_date_key}`
        const entry = usage.get(key) ?? { row: result.item, legacy: 0, ids: new Set<string>() }
        entry.legacy += result.item.usage_count
        entry.ids.add(result.legacyId)
        usage.set(key, entry)
      } else if (result.table === 'subscriptions' && result.item.stripe_subscription_id) subscriptions.push(result.item)
    }
    const hot = [...usage.values()].filter((_, i) => i % 8 === 0) // every eighth usage row gets live traffic
    const liveCount = new Map<string, number>()
    const live = async (entry: (typeof hot)[number], amount: number) => {
      await consume(doc, names.usage, entry.row, amount)
      const key = `${entry.row.user_id}/${entry.row.feature_date_key}`
      liveCount.set(key, (liveCount.get(key) ?? 0) + amount)
    }

    // Live data written before the backfill: Stripe-driven subscription rows and today's counters.
    const liveSubscriptions = subscriptions.slice(0, 15).map((s, i) => ({
      user_id: s.user_id,
      subscription_id: s.subscription_id,
      plan_id: 'team',
      status: 'active',
      cancel_at_period_end: false,
      updated_from_event_at: '2026-11-20T00:00:00.000Z',
      last_event_id: `evt_live_${i}`,
    }))
    for (const item of liveSubscriptions) await doc.send(new PutCommand({ TableName: names.subscriptions, Item: item }))
    for (const entry of hot.slice(0, 20)) await live(entry, 2)

    // Then all at once: the bulk backfill, lazy migrations of users it is also migrating, and more consumes.
    const lazyUsers = [...new Set([...hot.map((e) => e.row.user_id), ...liveSubscriptions.map((s) => s.user_id)])].slice(0, 30)
    const deliver = (userId: string) =>
      app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': BUS_SECRET }, payload: userEvent(userId) })
    let running = true
    const [report, deliveries] = await Promise.all([
      backfill(tables, { segments: 3, pageSize: 50 }).finally(() => (running = false)),
      Promise.all(lazyUsers.map(async (user, i) => (await sleep(i * 20), deliver(user)))),
      (async () => {
        for (let round = 0; running || round < 3; round++) {
          await Promise.all(hot.map((entry) => live(entry, 1)))
          await sleep(100)
        }
      })(),
    ])
    t.ok(
      deliveries.every((res) => res.statusCode === 200),
      'every event processed',
    )

    // Live rows were never overwritten.
    const subscriptionRows = await scanAll(doc, names.subscriptions)
    for (const item of liveSubscriptions) {
      t.strictSame(
        subscriptionRows.find((row) => row.user_id === item.user_id && row.subscription_id === item.subscription_id),
        item,
        `live subscription of ${item.user_id} kept as it was`,
      )
    }
    t.equal(report.tables.subscriptions.kept_live, liveSubscriptions.length, 'the report counts the live rows it kept')

    // Every usage row holds its legacy counts exactly once plus everything consumed live.
    const rows = new Map((await scanAll(doc, names.usage)).map((row) => [`${row.user_id}/${row.feature_date_key}`, row]))
    t.equal(rows.size, usage.size, 'one row per user, feature and day')
    let exact = 0
    for (const [key, entry] of usage) {
      const row = rows.get(key)
      const expected = entry.legacy + (liveCount.get(key) ?? 0)
      if (
        row &&
        row.usage_count === expected &&
        row.migrated_count === entry.legacy &&
        (row.legacy_ids as Set<string>).size === entry.ids.size
      )
        exact += 1
      else
        t.fail(`${key}: usage_count ${row?.usage_count} (want ${expected}), migrated_count ${row?.migrated_count} (want ${entry.legacy})`)
    }
    t.equal(exact, usage.size, 'every usage row exact')
    const liveTotal = [...liveCount.values()].reduce((a, b) => a + b, 0)
    t.ok(liveTotal > 0)
    t.equal(await usageTotal(tables), tally.expected.usageCount + liveTotal, 'usage totals exact: legacy once, live all')

    const { report: check, differences } = await verify(tables)
    t.strictSame(differences, [], 'verify agrees')
    t.equal(check.tables.subscriptions.kept_live, liveSubscriptions.length)
    t.strictSame(await scanAll(doc, names.legacy), legacyBefore, 'the legacy table is unchanged')

    // The lazy migrations: each user marked once and announced once.
    const announced = (await events()).filter((e) => e.type === 'User Migrated')
    t.equal(announced.length, lazyUsers.length, 'one User Migrated per lazily migrated user')
    t.strictSame(new Set(announced.map((e) => String(e.detail.user_id))), new Set(lazyUsers))
    const markers = (await scanAll(doc, names.migration)).filter((item) => String(item.pk).startsWith('user#'))
    t.equal(markers.length, lazyUsers.length)
  },
)
