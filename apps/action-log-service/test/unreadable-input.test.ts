// Inputs the action log cannot hold are a 400 on every path (query, direct log, event), never a 5xx:
// a 5xx would make the bus retry an event that can never be processed.
import t from 'tap'
import { errorOf } from '@f1/service-kit/testing'
import { actionFromEvent } from '../src/lib/from-event.ts'
import { createActionsRepository } from '../src/repositories/actions.ts'
import { BUS_SECRET, auth, build, event, userId } from './helper.ts'

type App = Awaited<ReturnType<typeof build>>['app']

const LEAP_SECOND = '2024-06-30T23:59:60Z'
const UNREADABLE = [
  LEAP_SECOND,
  '2024-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2024-01-01T00:00:00Z[Europe/Paris]',
  '9999-12-31T23:59:59-01:00',
]

const deliver = (app: App, body: object) =>
  app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': BUS_SECRET }, payload: body })
const logDirect = (app: App, user: string, fields: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `/users/${user}/actions`,
    headers: auth,
    payload: { action_id: 'a1', action_type: 'strategy_saved', occurred_at: '2026-11-26T10:00:00Z', ...fields },
  })
const list = (app: App, user: string, query: string) => app.inject({ url: `/users/${user}/actions?${query}`, headers: auth })
const cursorOf = (t: string) => Buffer.from(JSON.stringify({ t })).toString('base64url')
const nested = (depth: number): unknown => (depth === 0 ? 1 : { n: nested(depth - 1) })

t.test('a time Date cannot read is a 400 in from, to, occurred_at and an event detail, and nothing is written', async (t) => {
  const { app } = await build(t)
  const user = userId()
  for (const at of UNREADABLE) {
    for (const query of [`from=${encodeURIComponent(at)}`, `to=${encodeURIComponent(at)}`]) {
      const res = await list(app, user, query)
      t.equal(res.statusCode, 400, query)
      t.equal(errorOf(res).code, 'VALIDATION_FAILED')
    }
    t.equal((await logDirect(app, user, { occurred_at: at })).statusCode, 400, `occurred_at ${at}`)
    const res = await deliver(app, event(user, 'User Signed In', 'f1.gateway', {}, at))
    t.equal(res.statusCode, 400, `event at ${at}`)
    t.equal(errorOf(res).code, 'INVALID_EVENT')
  }
  t.same((await list(app, user, '')).json(), { actions: [], next_cursor: null })
})

t.test('offsets are stored as the same instant in Z, so a retry in another offset is the same action', async (t) => {
  const { app } = await build(t)
  const user = userId()
  t.equal((await logDirect(app, user, { occurred_at: '2026-11-26T11:00:00+01:00' })).statusCode, 201)
  t.equal((await logDirect(app, user, { occurred_at: '2026-11-26T10:00:00.000Z' })).statusCode, 200)
  t.match((await list(app, user, '')).json(), { actions: [{ action_id: 'a1', occurred_at: '2026-11-26T10:00:00.000Z' }] })
})

t.test('the repository itself refuses an unreadable time with a 400 instead of throwing a RangeError', async (t) => {
  const { tables } = await build(t)
  const repo = createActionsRepository({ doc: tables.doc, tableName: tables.names.actions, retentionDays: 30 })
  const base = { userId: userId(), actionId: 'a1', actionType: 'x', details: {}, source: 'direct' }
  await t.rejects(repo.recordAction({ ...base, occurredAt: new Date(LEAP_SECOND) }), { statusCode: 400, code: 'VALIDATION_FAILED' })
  await t.rejects(repo.recordAction({ ...base, occurredAt: new Date(Date.UTC(10_000, 0, 1)) }), {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
  })
  for (const at of UNREADABLE) {
    await t.rejects(
      repo.listActions(base.userId, { from: at, limit: 5, now: new Date() }),
      { statusCode: 400, code: 'VALIDATION_FAILED' },
      `from ${at}`,
    )
    await t.rejects(
      repo.listActions(base.userId, { to: at, limit: 5, now: new Date() }),
      { statusCode: 400, code: 'VALIDATION_FAILED' },
      `to ${at}`,
    )
  }
  await t.rejects(
    repo.listActions(base.userId, { from: '2026-11-27T00:00:00Z', to: '2026-11-26T00:00:00Z', limit: 5, now: new Date() }),
    { statusCode: 400, code: 'VALIDATION_FAILED' },
    'bounds the wrong way round',
  )
})

t.test('an event whose time cannot be read is an INVALID_EVENT, whatever the contract let through', async (t) => {
  const envelope = event('u-1', 'User Signed In', 'f1.gateway', {}, '2026-11-26T10:00:00Z')
  for (const occurred_at of [LEAP_SECOND, 'yesterday']) {
    t.throws(() => actionFromEvent({ ...envelope.detail, occurred_at }, envelope, 'evt'), { statusCode: 400, code: 'INVALID_EVENT' })
  }
  t.match(actionFromEvent(envelope.detail, envelope, 'evt'), { userId: 'u-1', occurredAt: new Date('2026-11-26T10:00:00Z') })
})

t.test('a well-formed cursor from another time range is a 400, not a DynamoDB error', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const query = `from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z&cursor=${cursorOf('2020-01-01T00:00:00.000Z#a1')}`
  const res = await list(app, user, query)
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'INVALID_CURSOR')
})

t.test('details DynamoDB would refuse are a 400 on the direct log and on the events path', async (t) => {
  const { app } = await build(t)
  const user = userId()
  const unstorable = {
    'a number beyond 2^53': { big: 1e20 },
    'a number below 1e-130': { tiny: 1e-200 },
    'nesting deeper than 32 levels': { deep: nested(40) },
    'a field with an empty name': { map: { '': 1 } },
    'an item over 400 KB': { text: 'x'.repeat(420_000) },
  }
  for (const [label, details] of Object.entries(unstorable)) {
    const direct = await logDirect(app, user, { action_id: `direct-${label.length}`, action_details: details })
    t.equal(direct.statusCode, 400, `direct: ${label}`)
    t.equal(errorOf(direct).code, 'VALIDATION_FAILED')
    const delivered = await deliver(app, event(user, 'User Signed In', 'f1.gateway', details, '2026-11-26T10:00:00Z'))
    t.equal(delivered.statusCode, 400, `event: ${label}`)
  }
  t.equal((await logDirect(app, user, { action_details: { deep: nested(30), safe: 2 ** 53 - 1, small: 1e-130 } })).statusCode, 201)
})
