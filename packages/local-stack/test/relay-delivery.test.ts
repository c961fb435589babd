import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import t from 'tap'
import { outboxKey } from '@f1/tables/outbox'
import { outboxItem, receivedEventIds, recordingLogger, startFlakyProxy, startTestbed, testEvent, waitForEventIds } from './relay-helper.ts'

/** EventBridge's envelope time: the entry's Time to the second. */
const envelopeTime = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z')

t.test('every inserted outbox item reaches the consumer once, with the source, detail-type, detail and time stored', async (t) => {
  const bed = await startTestbed(t)
  const relay = await bed.relay()
  const events = [...Array.from({ length: 25 }, () => testEvent('usage')), ...Array.from({ length: 15 }, () => testEvent('subscriptions'))]
  await bed.putEvents(events, 4)

  // A state change and its event in one transaction, as producers write them.
  const transacted = testEvent('usage')
  await bed.tables.client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: bed.tables.names.usage,
            Item: marshall({ user_id: transacted.userId, feature_date_key: 'simulation_run_2026-01-01', count: 3 }),
          },
        },
        { Put: { TableName: bed.tables.names.usage, Item: marshall(outboxItem(transacted)) } },
      ],
    }),
  )
  events.push(transacted)

  await relay.drained()
  await bed.idle()
  t.equal(bed.target.received.length, events.length, 'one delivery per event')
  t.equal(new Set(receivedEventIds(bed.target)).size, events.length, 'each event id once')
  const asReceived = bed.target.received
    .map(({ body }) => ({ source: body.source, detailType: body['detail-type'], time: body.time, detail: body.detail }))
    .sort((a, b) => String((a.detail as { n: number }).n).localeCompare(String((b.detail as { n: number }).n)))
  const asStored = events
    .map((e) => ({ source: e.source, detailType: e.detailType, time: envelopeTime(e.time), detail: e.detail }))
    .sort((a, b) => String(a.detail.n).localeCompare(String(b.detail.n)))
  t.same(asReceived, asStored, 'source, detail-type, time and detail as stored')
  t.match(relay.stats(), { eventsSent: events.length, skipped: 1, entriesRetried: 0, unpublishable: 0 }, 'the counter row was read past')
})

t.test('items that are not outbox items, and updates and deletes of outbox items, are never sent', async (t) => {
  const bed = await startTestbed(t)
  const relay = await bed.relay()
  const event = testEvent('subscriptions')
  await bed.putEvents([event])
  await bed.put([{ user_id: 'u-1', subscription_id: 'sub-1', plan_id: 'pro', status: 'active' }], 'subscriptions')
  await relay.drained()
  await bed.idle()
  t.equal(bed.target.received.length, 1)

  const key = marshall(outboxKey('subscriptions', event.userId, event.eventId))
  await bed.tables.client.send(
    new UpdateItemCommand({
      TableName: bed.tables.names.subscriptions,
      Key: key,
      UpdateExpression: 'SET outbox_detail_type = :t',
      ExpressionAttributeValues: marshall({ ':t': 'Subscription Changed' }),
    }),
  )
  await bed.tables.client.send(new DeleteItemCommand({ TableName: bed.tables.names.subscriptions, Key: key }))
  await relay.drained()
  await bed.idle()
  t.same(receivedEventIds(bed.target), [event.eventId], 'only the insert was sent')
  t.match(relay.stats(), { recordsRead: 4, eventsSent: 1, skipped: 3 })
})

t.test('an outbox item no bus can accept is kept in the unpublishable file and the items after it still go', async (t) => {
  const bed = await startTestbed(t)
  const { logger, entries } = recordingLogger()
  const relay = await bed.relay({ logger })
  const brokenEvent = testEvent('usage')
  const broken = { ...outboxItem(brokenEvent), outbox_detail: 'not json' }
  const after = testEvent('usage')
  await bed.put([broken, outboxItem(after)], 'usage')
  await relay.drained()
  await bed.idle()
  t.same(receivedEventIds(bed.target), [after.eventId])
  const kept = (await readFile(join(bed.dir, 'unpublishable.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  t.match(kept, [
    { eventId: brokenEvent.eventId, reason: /outbox_detail/, item: { outbox_detail: 'not json' }, table: bed.tables.names.usage },
  ])
  t.ok(
    entries.some((e) => e.level === 50 && e.eventId === brokenEvent.eventId),
    'logged as an error',
  )
  t.equal(relay.stats().unpublishable, 1)
})

t.test('one log line per batch sent, with the table, the count and the checkpointed sequence number', async (t) => {
  const bed = await startTestbed(t)
  const { logger, entries } = recordingLogger()
  const relay = await bed.relay({ logger })
  await bed.putEvents(Array.from({ length: 23 }, () => testEvent('usage')))
  await relay.drained()
  const batches = entries.filter((e) => e.msg === 'batch sent')
  t.equal(
    batches.reduce((n, e) => n + Number(e.events), 0),
    23,
    'every event in one line or another',
  )
  t.ok(batches.every((e) => Number(e.events) <= 10 && e.table === bed.tables.names.usage && /^\d+$/.test(String(e.sequenceNumber))))
  t.equal(relay.stats().batchesSent, batches.length)
})

t.test('when PutEvents refuses some entries, exactly those are sent again until accepted', async (t) => {
  const bed = await startTestbed(t)
  // Every third event is refused twice, then accepted.
  const refusedIds = new Set<string>()
  const proxy = await startFlakyProxy(bed.bus.url, (id, attempt) => refusedIds.has(id) && attempt <= 2)
  t.teardown(() => proxy.close())
  const { logger, entries } = recordingLogger()
  const relay = await bed.relay({ eventBridgeEndpoint: proxy.url, logger })
  const events = Array.from({ length: 30 }, () => testEvent('usage'))
  for (const [i, e] of events.entries()) if (i % 3 === 0) refusedIds.add(e.eventId)
  await bed.putEvents(events)
  await relay.drained()
  await bed.idle()

  t.equal(bed.target.received.length, events.length, 'each event delivered once')
  t.equal(new Set(receivedEventIds(bed.target)).size, events.length)
  t.same(
    Object.fromEntries(events.map((e) => [e.eventId, proxy.attempts.get(e.eventId)])),
    Object.fromEntries(events.map((e) => [e.eventId, refusedIds.has(e.eventId) ? 3 : 1])),
    'a refused entry sent three times, the others once: accepted entries are never resent',
  )
  t.match(relay.stats(), { entriesRetried: refusedIds.size * 2, eventsSent: events.length, putEventsFailed: 0 })
  t.ok(
    entries.some((e) => e.msg === 'PutEvents refused some entries; retrying them' && e.level === 40),
    'each partial failure logged',
  )
})

t.test(
  'an outbox table without a stream is reported as an error while the others are relayed, and relayed once its stream is on',
  async (t) => {
    const bed = await startTestbed(t)
    const name = `${bed.tables.names.usage}-nostream`
    await bed.tables.client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'user_id', KeyType: 'HASH' },
          { AttributeName: 'feature_date_key', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'user_id', AttributeType: 'S' },
          { AttributeName: 'feature_date_key', AttributeType: 'S' },
        ],
      }),
    )
    t.teardown(() => bed.tables.client.send(new DeleteTableCommand({ TableName: name })))
    const { logger, waitFor } = recordingLogger()
    const relay = await bed.relay({ logger, tables: { usage: name, subscriptions: bed.tables.names.subscriptions } })
    await waitFor('outbox table not readable; relaying the others and looking again')

    const other = testEvent('subscriptions')
    await bed.putEvents([other])
    await waitForEventIds(bed.target, [other.eventId])

    await bed.tables.client.send(
      new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }),
    )
    const late = testEvent('usage')
    await bed.tables.client.send(new PutItemCommand({ TableName: name, Item: marshall(outboxItem(late)) }))
    await relay.drained()
    await bed.idle()
    t.same(receivedEventIds(bed.target).sort(), [other.eventId, late.eventId].sort())
    await waitFor('outbox table readable again')
  },
)
