import t from 'tap'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { errorOf } from '@f1/service-kit/testing'
import { auth, build, userId } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

async function log(app: App, user: string, id: string, type: string, at: string) {
  return app.inject({
    method: 'POST',
    url: `/users/${user}/actions`,
    headers: auth,
    payload: { action_id: id, action_type: type, occurred_at: at, action_details: { n: id } },
  })
}
const list = async (app: App, user: string, query = '') =>
  (await app.inject({ url: `/users/${user}/actions${query}`, headers: auth })).json()

t.test('a direct log is 201, and a retry with the same id and time is 200 and logs nothing more', async (t) => {
  const { app } = await build(t)
  const user = userId()
  t.equal((await log(app, user, 'a1', 'strategy_saved', '2026-11-26T09:00:00Z')).statusCode, 201)
  const retry = await log(app, user, 'a1', 'strategy_saved', '2026-11-26T09:00:00Z')
  t.equal(retry.statusCode, 200)
  t.same(retry.json(), { logged: false })
  t.equal((await list(app, user)).actions.length, 1)
})

t.test('pages of the cursor cover every action once, newest first', async (t) => {
  const { app } = await build(t)
  const user = userId()
  for (let i = 0; i < 23; i++)
    await log(app, user, `a${String(i).padStart(2, '0')}`, 'x', new Date(Date.UTC(2026, 10, 26, 9, 0, i)).toISOString())
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page = await list(app, user, `?limit=10${cursor ? `&cursor=${cursor}` : ''}`)
    seen.push(...page.actions.map((a: { action_id: string }) => a.action_id))
    cursor = page.next_cursor
  } while (cursor)
  t.equal(seen.length, 23)
  t.equal(new Set(seen).size, 23)
  t.same(seen.slice(0, 3), ['a22', 'a21', 'a20'])
})

t.test('from, to and type narrow the list; limits default to 20', async (t) => {
  const { app } = await build(t)
  const user = userId()
  await log(app, user, 'early', 'login', '2026-11-25T23:59:59.999Z')
  await log(app, user, 'mid', 'login', '2026-11-26T12:00:00.000Z')
  await log(app, user, 'mid2', 'simulation', '2026-11-26T13:00:00.000Z')
  await log(app, user, 'late', 'login', '2026-11-27T00:00:00.000Z')
  const day = await list(app, user, '?from=2026-11-26T00:00:00Z&to=2026-11-26T23:59:59.999Z')
  t.same(
    day.actions.map((a: { action_id: string }) => a.action_id),
    ['mid2', 'mid'],
  )
  const logins = await list(app, user, '?type=login')
  t.same(
    logins.actions.map((a: { action_id: string }) => a.action_id),
    ['late', 'mid', 'early'],
  )
  const inclusive = await list(app, user, '?to=2026-11-27T00:00:00.000Z&type=login&limit=1')
  t.same(
    inclusive.actions.map((a: { action_id: string }) => a.action_id),
    ['late'],
    'to is inclusive',
  )
})

t.test('a filtered page that finds fewer matches than the limit still hands out a cursor that reaches the rest', async (t) => {
  const { app } = await build(t)
  const user = userId()
  for (let i = 0; i < 30; i++)
    await log(app, user, `n${i}`, i % 10 === 0 ? 'rare' : 'common', new Date(Date.UTC(2026, 10, 26, 8, 0, i)).toISOString())
  const found: string[] = []
  let cursor: string | null = null
  do {
    const page = await list(app, user, `?type=rare&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    found.push(...page.actions.map((a: { action_id: string }) => a.action_id))
    cursor = page.next_cursor
  } while (cursor)
  t.same(found, ['n20', 'n10', 'n0'])
})

t.test('expired actions are not listed even before DynamoDB deletes them', async (t) => {
  const { app, tables } = await build(t)
  const user = userId()
  await tables.doc.send(
    new PutCommand({
      TableName: tables.names.actions,
      Item: { user_id: user, timestamp: '2020-01-01T00:00:00.000Z#old', action_type: 'x', expires_at: 1_600_000_000 },
    }),
  )
  await log(app, user, 'fresh', 'x', '2026-11-26T00:00:00Z')
  t.same(
    (await list(app, user)).actions.map((a: { action_id: string }) => a.action_id),
    ['fresh'],
  )
})

t.test('a forged cursor or a backwards range is a 400', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const forged = await app.inject({ url: `/users/${user}/actions?cursor=not-a-cursor`, headers: auth })
  t.equal(forged.statusCode, 400)
  t.equal(errorOf(forged).code, 'INVALID_CURSOR')
  t.equal(
    (await app.inject({ url: `/users/${user}/actions?from=2026-11-27T00:00:00Z&to=2026-11-26T00:00:00Z`, headers: auth })).statusCode,
    400,
  )
  t.equal((await app.inject({ url: `/users/${user}/actions?limit=500`, headers: auth })).statusCode, 400)
})

t.test('the routes need the service token', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ url: `/users/${userId()}/actions` })).statusCode, 401)
})
