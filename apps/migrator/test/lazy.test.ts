import t from 'tap'
import { generateLegacyData, type LegacyItem } from '@f1/legacy/generator'
import { transformLegacyItem } from '@f1/legacy/items'
import { TARGET_TABLES, type TargetTable } from '@f1/legacy/result'
import { resolveTrackId } from '@f1/race-sim/tracks'
import { errorOf } from '@f1/service-kit/testing'
import { rowId } from '../src/repositories/targets.ts'
import { BUS_SECRET, auth, build, generate, scanAll, userEvent } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']
const deliver = (app: App, body: object) =>
  app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': BUS_SECRET }, payload: body })

/** What migrating one generated user must give: rows per table and rejected items. */
function expectedFor(items: LegacyItem[], userId: string) {
  const rows = Object.fromEntries(TARGET_TABLES.map((table) => [table, new Set<string>()])) as Record<TargetTable, Set<string>>
  let rejected = 0
  for (const item of items.filter((i) => i.user_id === userId)) {
    const result = transformLegacyItem(item, { now: new Date(), resolveTrack: resolveTrackId })
    if (result.kind === 'rejected') rejected += 1
    if (result.kind === 'mapped') rows[result.table].add(rowId(result.table, result.item))
  }
  return { written: Object.fromEntries(TARGET_TABLES.map((table) => [table, rows[table].size])), rejected }
}

t.test('a signed-in user is migrated once however often and however concurrently the events arrive, and announced once', async (t) => {
  const { app, tables, events } = await build(t)
  await generate(tables, 40, 'lazy')
  const items = [...generateLegacyData({ users: 40, seed: 'lazy' })]
  // A paying user with usage, actions and strategies.
  const user = items.find(
    (item) =>
      item.type === 'user' &&
      typeof item.stripe_subscription_id === 'string' &&
      ['usage', 'action', 'strategy'].every((type) => items.some((other) => other.user_id === item.user_id && other.type === type)),
  )?.user_id as string
  t.ok(user, 'the data has such a user')
  const expected = expectedFor(items, user)

  const signedIn = userEvent(user)
  const results = await Promise.all([deliver(app, signedIn), deliver(app, signedIn), deliver(app, signedIn), deliver(app, userEvent(user))])
  t.ok(
    results.every((res) => res.statusCode === 200 && res.json().status === 'processed'),
    'every delivery answered 2xx after the writes',
  )

  for (const table of TARGET_TABLES) {
    const rows = (await scanAll(tables.doc, tables.names[table])).filter((row) => row.user_id === user && !row.outbox_event_id)
    t.equal(rows.length, expected.written[table], `${table}: the user's rows, once`)
  }
  const announced = (await events()).filter((e) => e.type === 'User Migrated')
  t.equal(announced.length, 1, 'one User Migrated, written with the marker')
  t.equal(announced[0]?.source, 'f1.migrator')
  t.match(announced[0]?.detail, { user_id: user, written: expected.written, rejected: expected.rejected, version: 1 })

  const status = (await app.inject({ url: '/status', headers: auth })).json()
  t.equal(status.user_markers, 1, 'one marker')

  // A later sign-in finds the marker: nothing is read or written, nothing announced.
  t.equal((await deliver(app, userEvent(user, 'User Signed In'))).statusCode, 200)
  t.equal((await events()).filter((e) => e.type === 'User Migrated').length, 1)
  t.equal((await app.inject({ url: '/status', headers: auth })).json().user_markers, 1)
})

t.test('a new user with nothing in legacy is marked and announced with nothing written', async (t) => {
  const { app, events } = await build(t)
  const res = await deliver(app, userEvent('brand-new-user', 'User Registered'))
  t.equal(res.statusCode, 200)
  const [event] = await events()
  t.match(event?.detail, {
    user_id: 'brand-new-user',
    written: { subscriptions: 0, usage: 0, actions: 0, simulations: 0 },
    rejected: 0,
  })
})

t.test('the consumer requires the bus secret and ignores the events of other rules', async (t) => {
  const { app, tables, events } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'x-bus-secret': 'wrong-wrong-wrong-wrong' },
    payload: userEvent('u-1'),
  })
  t.equal(res.statusCode, 401)
  t.equal(errorOf(res).code, 'UNAUTHORIZED')
  const base = userEvent('u-1')
  const detail = { ...base.detail, feature: 'api_request', date: '2026-11-26', usage_count: 500, limit_value: 500 }
  const other = { ...base, 'detail-type': 'Usage Limit Reached', source: 'f1.usage', detail }
  t.same((await deliver(app, other)).json(), { status: 'ignored' })
  t.strictSame(await scanAll(tables.doc, tables.names.migration), [], 'no marker')
  t.same(await events(), [])
})
