// A GetRecords page cut into PutEvents batches (10 entries, 256 KB), each knowing the last stream
// record it accounts for: once a batch is on the bus, that sequence number may be checkpointed.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import { entrySize, MAX_ENTRIES, MAX_REQUEST_ENTRY_BYTES } from '../bus/put-events.ts'
import { outboxEntry } from './outbox-entry.ts'
import type { StreamRecord } from './stream-api.ts'

export interface OutgoingEvent {
  eventId: string
  entry: PutEventsRequestEntry
  sequenceNumber: string
}

export interface Unpublishable {
  eventId: string
  reason: string
  item: Record<string, unknown>
  sequenceNumber: string
}

export interface Batch {
  events: OutgoingEvent[]
  unpublishable: Unpublishable[]
  /** The last record of the page up to which this batch (and those before it) account for everything. */
  lastSequenceNumber: string
  /** Records read past (not inserted outbox items). */
  skipped: number
}

/** Cuts a page into batches in stream order; a page without outbox items gives one empty batch. */
export function planBatches(records: readonly StreamRecord[], busName: string): Batch[] {
  const batches: Batch[] = []
  let current: Batch | undefined
  let bytes = 0
  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber
    if (sequenceNumber === undefined) continue
    const outcome = outboxEntry(record, busName)
    if (outcome.kind === 'event') {
      const size = entrySize(outcome.entry as Record<string, unknown>)
      if (current && (current.events.length === MAX_ENTRIES || bytes + size > MAX_REQUEST_ENTRY_BYTES)) {
        batches.push(current)
        current = undefined
        bytes = 0
      }
      current ??= { events: [], unpublishable: [], lastSequenceNumber: sequenceNumber, skipped: 0 }
      current.events.push({ eventId: outcome.eventId, entry: outcome.entry, sequenceNumber })
      bytes += size
    } else {
      current ??= { events: [], unpublishable: [], lastSequenceNumber: sequenceNumber, skipped: 0 }
      if (outcome.kind === 'unpublishable') current.unpublishable.push({ ...outcome, sequenceNumber })
      else current.skipped++
    }
    // Records after a batch's last event and before the next one's first belong to it: they precede the next batch.
    current.lastSequenceNumber = sequenceNumber
  }
  if (current) batches.push(current)
  return batches
}
