// Sample outbox items and the DynamoDB stream records a table with NEW_IMAGE streams writes for
// them, shaped as Pipes and `aws dynamodbstreams get-records` give them.
import { OUTBOX_TTL_S, outboxKey, type OutboxAttributes, type OutboxTableId } from '@f1/tables/outbox'
import type { Json } from './pipe-evaluator.ts'

export type OutboxItem = OutboxAttributes & Record<string, string | number>

let counter = 0

/** An outbox item as a producer writes it (the layout of @f1/tables/outbox), with a sample detail. */
export function outboxItem(
  table: OutboxTableId,
  event: { source: string; detailType: string; detail?: Record<string, Json> },
  at = new Date('2026-12-01T10:15:30.123Z'),
): OutboxItem {
  counter++
  const eventId = `01JEXAMPLE${String(counter).padStart(16, '0')}`
  const detail = {
    event_id: eventId,
    user_id: 'user-42',
    occurred_at: at.toISOString(),
    correlation_id: `req-${counter}`,
    version: 1,
    ...event.detail,
  }
  return {
    ...outboxKey(table, 'user-42', eventId),
    outbox_event_id: eventId,
    outbox_source: event.source,
    outbox_detail_type: event.detailType,
    outbox_detail: JSON.stringify(detail),
    outbox_time: at.toISOString(),
    expires_at: Math.floor(at.getTime() / 1000) + OUTBOX_TTL_S,
  }
}

/** What the local relay puts for an outbox item: the item's fields as they are. */
export function localRelayEntry(item: OutboxItem) {
  return { Source: item.outbox_source, DetailType: item.outbox_detail_type, Detail: item.outbox_detail, Time: item.outbox_time }
}

/** An item in DynamoDB's attribute-value JSON (strings and numbers are all these items hold). */
export function marshall(item: Record<string, string | number>): Record<string, Json> {
  return Object.fromEntries(Object.entries(item).map(([k, v]): [string, Json] => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]))
}

let sequence = 4_000_000_000_000_000_000n

/** One stream record of a NEW_IMAGE stream; a REMOVE (a TTL delete) carries only the keys. */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, string | number>,
  keys: Record<string, string>,
): Record<string, Json> {
  sequence += 100n
  return {
    eventID: `evt-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: 1_796_120_130,
      Keys: marshall(keys),
      ...(eventName === 'REMOVE' ? {} : { NewImage: marshall(item) }),
      SequenceNumber: String(sequence),
      SizeBytes: 240,
      StreamViewType: 'NEW_IMAGE',
    },
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:111122223333:table/f1-user-usage-dev/stream/2026-12-01T00:00:00.000',
    ...(eventName === 'REMOVE' ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
  }
}

/** The stream record of an outbox item's insert (its keys from the item itself). */
export function insertRecord(table: OutboxTableId, item: OutboxItem): Record<string, Json> {
  const keys = outboxKey(table, 'user-42', item.outbox_event_id)
  return streamRecord('INSERT', item, keys)
}
