// Domain events as outbox items: built here, checked against their contract, and written by the
// producer in the same transaction as the state change they report (or alone, durably, for an
// event that reports no state of its own). The relay (EventBridge Pipes in AWS, `f1-local relay`
// locally) puts them on the bus; nothing in a producer talks to EventBridge.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { currentTraceparent } from '@f1/service-kit/tracing'
import Value from 'typebox/value'
import { ulid } from 'ulid'
import { EVENTS, type EventDetail, type EventName } from '@f1/contracts/events'
import { OUTBOX_TTL_S, outboxKey, type OutboxAttributes, type OutboxTableId } from '@f1/tables/outbox'

/** The fields a producer gives; the outbox adds the id, the time, the version. */
export type EventFields<N extends EventName> = Omit<
  EventDetail<N>,
  'event_id' | 'user_id' | 'occurred_at' | 'correlation_id' | 'version' | 'traceparent'
>

/** The detail's `traceparent`: the trace its consumers continue (none while tracing is off). */
function traceOf(): { traceparent?: string } {
  const traceparent = currentTraceparent()
  return traceparent ? { traceparent } : {}
}

/** Who and what caused an event. */
export interface EventOrigin {
  userId: string
  /** The request (or event) that caused it, for tracing. */
  correlationId: string
  /** The partition the item goes in, when it is not the user's (a simulation's outbox items have their own). */
  partition?: string
}

export interface OutboxEvent {
  eventId: string
  /** The item to put, in a transaction with the state change or alone. */
  item: Record<string, unknown>
}

/** Thrown for a detail that breaks its contract: a bug in the producer, never sent. */
export class InvalidEventDetailError extends Error {
  constructor(detailType: string, problems: string[]) {
    super(`${detailType} detail does not match its contract: ${problems.join('; ')}`)
    this.name = 'InvalidEventDetailError'
  }
}

/** Builds the outbox item of an event for `table`, with a fresh event id, checked against the contract. */
export function outboxEvent<N extends EventName>(
  table: OutboxTableId,
  name: N,
  origin: EventOrigin,
  fields: EventFields<N>,
  now = new Date(),
): OutboxEvent {
  const contract = EVENTS[name]
  const eventId = ulid(now.getTime())
  const detail = {
    ...fields,
    event_id: eventId,
    user_id: origin.userId,
    occurred_at: now.toISOString(),
    correlation_id: origin.correlationId,
    version: contract.version,
    ...traceOf(),
  }
  if (!Value.Check(contract.detail, detail)) {
    const problems = [...Value.Errors(contract.detail, detail)].slice(0, 5).map((e) => `${e.instancePath} ${e.message}`)
    throw new InvalidEventDetailError(contract.detailType, problems)
  }
  const attributes: OutboxAttributes = {
    outbox_event_id: eventId,
    outbox_source: contract.source,
    outbox_detail_type: contract.detailType,
    outbox_detail: JSON.stringify(detail),
    outbox_time: detail.occurred_at,
    expires_at: Math.floor(now.getTime() / 1000) + OUTBOX_TTL_S,
  }
  return { eventId, item: { ...outboxKey(table, origin.partition ?? origin.userId, eventId), ...attributes } }
}

/** The TransactWriteItems entry that writes an outbox item (its key is new by construction; the condition makes it a fact). */
export function outboxPut(tableName: string, event: OutboxEvent) {
  const [keyName] = Object.keys(event.item)
  return {
    Put: {
      TableName: tableName,
      Item: event.item,
      ConditionExpression: 'attribute_not_exists(#k)',
      ExpressionAttributeNames: { '#k': keyName! },
    },
  }
}

/** Writes an outbox item alone, for an event that reports no state change of its own (a sign-in). */
export async function writeOutboxEvent(doc: DynamoDBDocumentClient, tableName: string, event: OutboxEvent): Promise<void> {
  await doc.send(new PutCommand(outboxPut(tableName, event).Put))
}
