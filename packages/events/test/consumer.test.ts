import t from 'tap'
import { createServiceApp } from '@f1/service-kit'
import { errorOf } from '@f1/service-kit/testing'
import type { EventDetail } from '@f1/contracts/events'
import consumer from '../src/consumer.ts'
import { envelope } from '../src/sqs-testing.ts'

const SECRET = 'bus-secret-for-tests-0123'

const signedIn = {
  event_id: '01JD00000000000000000000AA',
  user_id: 'u1',
  occurred_at: '2026-11-26T10:00:00.000Z',
  correlation_id: 'req-1',
  version: 1,
}

async function build(
  t: { teardown(fn: () => unknown): void },
  handler: (detail: EventDetail<'UserSignedIn'>) => Promise<unknown> = async () => {},
) {
  const app = createServiceApp({ name: 'consumer-test', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1_048_576 }, logger: false })
  const seen: Array<EventDetail<'UserSignedIn'>> = []
  await app.register(consumer, {
    secret: SECRET,
    handlers: {
      UserSignedIn: async (detail) => {
        seen.push(detail)
        await handler(detail)
      },
    },
  })
  t.teardown(() => app.close())
  const post = (body: object, secret = SECRET) =>
    app.inject({ method: 'POST', url: '/events', headers: { 'x-bus-secret': secret }, payload: body })
  return { app, seen, post }
}

t.test('a valid event reaches its handler and is acknowledged after it', async (t) => {
  const { seen, post } = await build(t)
  const res = await post(envelope('User Signed In', signedIn))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'processed' })
  t.same(seen, [signedIn])
})

t.test('a missing or wrong bus secret is a 401 and the handler never runs', async (t) => {
  const { seen, post, app } = await build(t)
  t.equal((await post(envelope('User Signed In', signedIn), 'wrong-secret-wrong-secret')).statusCode, 401)
  const none = await app.inject({ method: 'POST', url: '/events', payload: envelope('User Signed In', signedIn) })
  t.equal(none.statusCode, 401)
  t.equal(errorOf(none).code, 'UNAUTHORIZED')
  t.same(seen, [])
})

t.test('an invalid detail is a 400 naming the problem, so the bus dead-letters it', async (t) => {
  const { seen, post } = await build(t)
  const res = await post(envelope('User Signed In', { ...signedIn, occurred_at: 'yesterday' }))
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'INVALID_EVENT')
  t.match(errorOf(res).message, /occurred_at/)
  t.same(seen, [])
})

t.test('a detail timed at a leap second is a 400 naming occurred_at: it can never be stored, so it is not retried', async (t) => {
  const { seen, post } = await build(t)
  for (const occurred_at of ['2024-06-30T23:59:60Z', '2024-02-30T10:00:00Z', '0000-01-01T00:00:00Z']) {
    const res = await post(envelope('User Signed In', { ...signedIn, occurred_at }))
    t.equal(res.statusCode, 400, occurred_at)
    t.equal(errorOf(res).code, 'INVALID_EVENT')
    t.match(errorOf(res).message, /occurred_at/)
  }
  t.same(seen, [])
})

t.test('a handler refusing an event with a 4xx passes it through, so the bus dead-letters instead of retrying', async (t) => {
  const { post } = await build(t, async () => {
    throw Object.assign(new Error('details too large to store'), { statusCode: 400, code: 'VALIDATION_FAILED' })
  })
  const res = await post(envelope('User Signed In', signedIn))
  t.equal(res.statusCode, 400)
  t.equal(errorOf(res).code, 'VALIDATION_FAILED')
})

t.test('an event from the wrong source for its detail-type is a 400', async (t) => {
  const { post } = await build(t)
  t.equal((await post(envelope('User Signed In', signedIn, 'f1.usage'))).statusCode, 400)
})

t.test('an unknown detail-type is acknowledged and ignored', async (t) => {
  const { seen, post } = await build(t)
  const res = await post(envelope('Pit Stop Planned', signedIn))
  t.same(res.json(), { status: 'ignored' })
  t.same(seen, [])
})

t.test('a known event without a handler here is acknowledged and ignored', async (t) => {
  const { post } = await build(t)
  const res = await post(
    envelope(
      'Usage Limit Reached',
      { ...signedIn, feature: 'api_request', date: '2026-11-26', usage_count: 5, limit_value: 5 },
      'f1.usage',
    ),
  )
  t.same(res.json(), { status: 'ignored' })
})

t.test('a handler that cannot store its write makes the delivery fail (5xx), so the bus retries', async (t) => {
  const { post } = await build(t, async () => {
    throw Object.assign(new Error('db down'), { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' })
  })
  const res = await post(envelope('User Signed In', signedIn))
  t.equal(res.statusCode, 503)
})

t.test('a malformed envelope is a 400', async (t) => {
  const { post } = await build(t)
  t.equal((await post({ id: 'x', detail: {} })).statusCode, 400)
})
