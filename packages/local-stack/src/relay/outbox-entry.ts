// What the Pipes do to each stream record in AWS: keep INSERTs whose new image is an outbox item and
// turn the item into one PutEvents entry (Source, DetailType, Detail, Time as stored).
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { isOutboxItem } from '@f1/tables/outbox'
import { entrySize, MAX_REQUEST_ENTRY_BYTES } from '../bus/put-events.ts'
import type { StreamRecord } from './stream-api.ts'

export type RecordOutcome =
  /** Not an inserted outbox item: read past, never sent. */
  | { kind: 'skip' }
  | { kind: 'event'; eventId: string; entry: PutEventsRequestEntry }
  /** An outbox item no bus can ever accept (a producer's bug): kept aside instead of blocking the shard. */
  | { kind: 'unpublishable'; eventId: string; reason: string; item: Record<string, unknown> }

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0

function parsesToObject(json: string): boolean {
  try {
    const value: unknown = JSON.parse(json)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

/** The PutEvents entry for a stream record, or why it is not sent. */
export function outboxEntry(record: StreamRecord, busName: string): RecordOutcome {
  const image = record.dynamodb?.NewImage
  if (record.eventName !== 'INSERT' || image === undefined) return { kind: 'skip' }
  // The Streams client's AttributeValue is the same shape as DynamoDB's, declared in its own package.
  const item = unmarshall(image)
  if (!isOutboxItem(item)) return { kind: 'skip' }
  const eventId = item.outbox_event_id as string
  const unpublishable = (reason: string): RecordOutcome => ({ kind: 'unpublishable', eventId, reason, item })

  if (!text(item.outbox_source)) return unpublishable('outbox_source is missing')
  if (!text(item.outbox_detail_type)) return unpublishable('outbox_detail_type is missing')
  if (!text(item.outbox_detail) || !parsesToObject(item.outbox_detail))
    return unpublishable('outbox_detail is not the JSON text of an object')
  const time = text(item.outbox_time) ? new Date(item.outbox_time) : undefined
  if (time === undefined || Number.isNaN(time.getTime())) return unpublishable('outbox_time is not an ISO date')
  const entry: PutEventsRequestEntry = {
    Source: item.outbox_source,
    DetailType: item.outbox_detail_type,
    Detail: item.outbox_detail,
    Time: time,
    EventBusName: busName,
  }
  if (entrySize(entry as Record<string, unknown>) > MAX_REQUEST_ENTRY_BYTES)
    return unpublishable('the entry is over the 256 KB PutEvents limit')
  return { kind: 'event', eventId, entry }
}
