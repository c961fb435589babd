import t from 'tap'
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { useTestTables } from '@f1/tables/testing'
import { InvalidEventDetailError, outboxEvent, outboxPut, writeOutboxEvent } from '../src/outbox.ts'
import { outboxEvents } from '../src/testing.ts'

const NOW = new Date('2026-11-26T10:00:00.000Z')

t.test('an outbox item holds the whole event, with an id fixed now and kept on every delivery, and a TTL of days', async (t) => {
  const event = outboxEvent(
    'usage',
    'UsageLimitReached',
    { userId: 'u-1', correlationId: 'req-1' },
    { feature: 'api_request', date: '2026-11-26', usage_count: 5, limit_value: 5 },
    NOW,
  )
  t.match(event.eventId, /^[0-9A-HJKMNP-TV-Z]{26}$/)
  t.match(event.item, {
    user_id: 'u-1',
    feature_date_key: `outbox#${event.eventId}`,
    outbox_event_id: event.eventId,
    outbox_source: 'f1.usage',
    outbox_detail_type: 'Usage Limit Reached',
    outbox_time: NOW.toISOString(),
    expires_at: NOW.getTime() / 1000 + 3 * 86_400,
  })
  t.same(JSON.parse(String(event.item.outbox_detail)), {
    feature: 'api_request',
    date: '2026-11-26',
    usage_count: 5,
    limit_value: 5,
    event_id: event.eventId,
    user_id: 'u-1',
    occurred_at: NOW.toISOString(),
    correlation_id: 'req-1',
    version: 1,
  })
})

t.test('a detail that breaks its contract is a bug: thrown, never written', async (t) => {
  t.throws(
    () =>
      outboxEvent('usage', 'UsageLimitReached', { userId: 'u-1', correlationId: 'req-1' }, {
        feature: 'nope',
        date: 'x',
        usage_count: -1,
        limit_value: 5,
      } as never),
    InvalidEventDetailError,
  )
})

t.test('an event goes in the same transaction as its state change: both or neither', async (t) => {
  const tables = await useTestTables(t, ['usage'])
  const table = tables.names.usage
  const event = () =>
    outboxEvent(
      'usage',
      'UsageLimitReached',
      { userId: 'u-1', correlationId: 'req-1' },
      { feature: 'api_request', date: '2026-11-26', usage_count: 5, limit_value: 5 },
    )
  const change = (condition: string) => ({
    Update: {
      TableName: table,
      Key: { user_id: 'u-1', feature_date_key: 'api_request_2026-11-26' },
      UpdateExpression: 'SET limit_reached_at = :now',
      ConditionExpression: condition,
      ExpressionAttributeValues: { ':now': 'now' },
    },
  })
  await t.rejects(
    tables.doc.send(new TransactWriteCommand({ TransactItems: [change('attribute_exists(usage_count)'), outboxPut(table, event())] })),
  )
  t.same(await outboxEvents(tables.doc, table), [], 'the change failed: no event')
  await tables.doc.send(
    new TransactWriteCommand({ TransactItems: [change('attribute_not_exists(limit_reached_at)'), outboxPut(table, event())] }),
  )
  const written = await outboxEvents(tables.doc, table)
  t.same(
    written.map((e) => e.type),
    ['Usage Limit Reached'],
  )
  const alone = event()
  await writeOutboxEvent(tables.doc, table, alone)
  t.equal((await outboxEvents(tables.doc, table)).length, 2, 'an event without a change of its own is written alone')
})
