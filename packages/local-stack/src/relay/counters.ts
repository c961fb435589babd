// What the relay has done so far, counted where it happens; stats() adds the shards and checkpoint writes.
export interface RelayCounters {
  /** Stream records read, outbox items or not. */
  recordsRead: number
  /** Records read past: not an INSERT, or not an outbox item. */
  skipped: number
  /** Outbox items the bus accepted (a re-sent one counts again). */
  eventsSent: number
  /** PutEvents batches fully accepted, after any retries. */
  batchesSent: number
  putEventsRequests: number
  /** PutEvents requests that failed as a whole (bus down, timeout, error answer). */
  putEventsFailed: number
  /** Entries the bus refused in an answered request, sent again. */
  entriesRetried: number
  /** Outbox items no bus can accept, kept in the unpublishable file. */
  unpublishable: number
  /** Shard iterators that expired (15 min on AWS) and were fetched again from the checkpoint. */
  iteratorsExpired: number
  /** Times a checkpoint pointed into trimmed data and reading restarted at the trim horizon. */
  trimmed: number
}

export const newCounters = (): RelayCounters => ({
  recordsRead: 0,
  skipped: 0,
  eventsSent: 0,
  batchesSent: 0,
  putEventsRequests: 0,
  putEventsFailed: 0,
  entriesRetried: 0,
  unpublishable: 0,
  iteratorsExpired: 0,
  trimmed: 0,
})
