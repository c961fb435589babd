import t from 'tap'
import { createEventBridgeClient, createEventPublisher, entrySize, type PublisherLogger } from '../src/publisher.ts'
import { fakeEventBridge, type PutEventsEntry } from '../src/testing.ts'

const silent = { warn: () => {}, error: () => {} }
const signedIn = (i: number) => ({ user_id: `user-${i}`, occurred_at: new Date().toISOString(), correlation_id: `req-${i}` })

function publisherFor(url: string, extra: { maxAttempts?: number; maxQueue?: number; logger?: PublisherLogger } = {}) {
  const client = createEventBridgeClient({ region: 'us-east-1', endpoint: url })
  return createEventPublisher({ client, busName: 'test-bus', logger: silent, baseDelayMs: 5, maxDelayMs: 20, ...extra })
}

async function until(check: () => boolean, ms = 3_000) {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
}

t.test('25 events go out in PutEvents calls of at most 10 entries, each with source, detail-type and bus', async (t) => {
  const bus = await fakeEventBridge(t)
  const publisher = publisherFor(bus.url)
  for (let i = 0; i < 25; i++) publisher.publish('UserSignedIn', signedIn(i))
  await publisher.flush()
  t.equal(bus.entries().length, 25)
  t.ok(
    bus.calls.every((c) => c.length <= 10),
    bus.calls.map((c) => c.length).join(','),
  )
  t.match(bus.entries()[0], { Source: 'f1.gateway', DetailType: 'User Signed In', EventBusName: 'test-bus' })
  t.match(JSON.parse(bus.entries()[0]?.Detail ?? '{}'), { user_id: 'user-0', version: 1, correlation_id: 'req-0' })
  t.same(publisher.stats(), { queued: 25, sent: 25, retried: 0, dropped: 0, pending: 0 })
})

t.test('a batch never exceeds 256 KB', async (t) => {
  const bus = await fakeEventBridge(t)
  const publisher = publisherFor(bus.url)
  const big = 'x'.repeat(100 * 1024)
  for (let i = 0; i < 5; i++) publisher.publish('UserRegistered', { ...signedIn(i), email: `u${i}@example.com`, name: big })
  await publisher.flush()
  t.equal(bus.entries().length, 5)
  for (const call of bus.calls) {
    const bytes = call.reduce((sum, e) => sum + entrySize({ Source: e.Source, DetailType: e.DetailType, Detail: e.Detail }), 0)
    t.ok(bytes <= 256 * 1024, `${bytes} bytes`)
  }
})

t.test('entries that fail in a partial failure are retried, the others are not sent twice', async (t) => {
  const bus = await fakeEventBridge(t, (entries, call) =>
    call === 1
      ? {
          body: {
            FailedEntryCount: 1,
            Entries: entries.map((_, i) => (i === 1 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e${i}` })),
          },
        }
      : 'entries-ok',
  )
  const publisher = publisherFor(bus.url)
  for (let i = 0; i < 3; i++) publisher.publish('UserSignedIn', signedIn(i))
  await until(() => publisher.stats().sent === 3)
  const users = bus.entries().map((e: PutEventsEntry) => JSON.parse(e.Detail).user_id)
  t.same(users, ['user-0', 'user-1', 'user-2', 'user-1'], 'only user-1 was sent again')
  t.match(publisher.stats(), { sent: 3, retried: 1, dropped: 0 })
})

t.test('a bus that is down never fails or holds up the caller; events go out once it answers', async (t) => {
  const bus = await fakeEventBridge(t, (_entries, call) =>
    call <= 2 ? { status: 500, body: { __type: 'InternalException', message: 'down' } } : 'entries-ok',
  )
  const publisher = publisherFor(bus.url)
  const started = performance.now()
  publisher.publish('UserSignedIn', signedIn(1))
  t.ok(performance.now() - started < 5, 'publish returns at once')
  await until(() => publisher.stats().sent === 1)
  t.match(publisher.stats(), { sent: 1, retried: 2, dropped: 0 })
})

t.test('an unreachable bus does not throw at publish; after the last attempt the event is dropped and logged', async (t) => {
  const errors: string[] = []
  const publisher = publisherFor('http://127.0.0.1:9', {
    maxAttempts: 3,
    logger: { warn: () => {}, error: (_o: object, msg: string) => void errors.push(msg) },
  })
  t.doesNotThrow(() => publisher.publish('UserSignedIn', signedIn(1)))
  await until(() => publisher.stats().dropped === 1)
  t.match(publisher.stats(), { sent: 0, dropped: 1 })
  t.match(errors, ['event dropped after the last attempt'])
})

t.test('a detail that breaks its contract is never sent', async (t) => {
  const bus = await fakeEventBridge(t)
  const publisher = publisherFor(bus.url)
  publisher.publish('UsageLimitReached', { ...signedIn(1), feature: 'teleport', date: '2026-11-26', usage_count: 1, limit_value: 1 })
  await publisher.flush()
  t.equal(bus.entries().length, 0)
  t.match(publisher.stats(), { dropped: 1, queued: 0 })
})

t.test('when the queue is full new events are dropped instead of blocking', async (t) => {
  const publisher = publisherFor('http://127.0.0.1:9', { maxQueue: 2 })
  for (let i = 0; i < 5; i++) publisher.publish('UserSignedIn', signedIn(i))
  t.match(publisher.stats(), { queued: 2, dropped: 3 })
})

t.test('flush sends what is queued, retries included, without waiting out their backoff', async (t) => {
  const bus = await fakeEventBridge(t, (_e, call) => (call === 1 ? { status: 500, body: { __type: 'InternalException' } } : 'entries-ok'))
  const client = createEventBridgeClient({ region: 'us-east-1', endpoint: bus.url })
  const publisher = createEventPublisher({ client, busName: 'b', logger: silent, baseDelayMs: 60_000 })
  publisher.publish('UserSignedIn', signedIn(1))
  await until(() => bus.calls.length === 1)
  await publisher.flush()
  t.match(publisher.stats(), { sent: 1, pending: 0 })
})
