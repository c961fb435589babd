// The transactional outbox: a domain event is an item written in the same DynamoDB transaction as
// the state change it reports, in the producing service's own table. A relay reads the table's
// stream (EventBridge Pipes in AWS, `f1-local relay` locally) and puts each inserted outbox item on
// the bus. The item holds the whole PutEvents entry, so the relay needs to know nothing of events.
import { TABLES, type TableId } from './tables.ts'

/** Key prefix that marks outbox items; every query of a table that holds them must skip it. */
export const OUTBOX_PREFIX = 'outbox#'

/** Outbox items are kept this long (TTL), well past any relay outage, then deleted by DynamoDB. */
export const OUTBOX_TTL_S = 3 * 86_400

/** The tables that hold an outbox (and have a stream). */
export type OutboxTableId = { [T in TableId]: (typeof TABLES)[T] extends { outbox: true } ? T : never }[TableId]
export const OUTBOX_TABLE_IDS = (Object.keys(TABLES) as TableId[]).filter((id) => 'outbox' in TABLES[id]) as OutboxTableId[]

/** The attributes of an outbox item besides its key: the relay reads these and nothing else. */
export interface OutboxAttributes {
  /** The event's id (a ULID), also in the detail as `event_id`: consumers dedupe on it. */
  outbox_event_id: string
  outbox_source: string
  outbox_detail_type: string
  /** The detail as JSON text. */
  outbox_detail: string
  /** When it happened (ISO), the event's time. */
  outbox_time: string
  expires_at: number
}

/**
 * The key of an outbox item: in the partition of the entity the event is about where the table's
 * keys allow it (a user's), under the reserved prefix, so a user's queries can skip them by key.
 */
export function outboxKey(table: OutboxTableId, partition: string, eventId: string): Record<string, string> {
  const id = OUTBOX_PREFIX + eventId
  switch (table) {
    case 'usage':
      return { user_id: partition, feature_date_key: id }
    case 'subscriptions':
      return { user_id: partition, subscription_id: id }
    case 'gateway':
      return { user_id: partition, record_key: id }
    case 'migration':
      return { pk: `${OUTBOX_PREFIX}${partition}`, sk: eventId }
    case 'simulations':
      // Keyed by simulation: an outbox item gets a partition of its own, never among a simulation's rows.
      return { simulation_id: id, created_at: eventId }
  }
}

/** True for an item (as read from the table or a stream's new image) that is an outbox item. */
export function isOutboxItem(item: Record<string, unknown> | undefined): boolean {
  return item !== undefined && typeof item.outbox_event_id === 'string'
}
