// What each outbox relay pipe does to a stream record, as data: which records it takes, how its
// enrichment turns them into events, and which fields the bus target reads. The relay stack builds
// pipes from it, and the tests evaluate it on sample records. Attribute names are checked against
// the outbox item layout of @f1/tables/outbox.
import type { OutboxAttributes } from '@f1/tables/outbox'

/** An outbox attribute's name, checked at compile time against the item layout. */
function attribute<K extends keyof OutboxAttributes>(name: K): K {
  return name
}

/** The JSONPath of a string attribute of a stream record's new image. */
const newImageString = (name: keyof OutboxAttributes) => `$.dynamodb.NewImage.${name}.S`

/**
 * The pipe's filter: inserted items that carry an event id (outbox items). Updates, TTL deletes and
 * the tables' other items never leave the stream. `exists` only matches leaves, hence the `S`.
 */
export const OUTBOX_FILTER_PATTERN = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { [attribute('outbox_event_id')]: { S: [{ exists: true }] } } },
} as const

/**
 * The enrichment, an Express state machine (Amazon States Language, JSONPath). Pipes hands it the
 * batch as an array of stream records; the Map state answers one object per record, in order, and
 * `States.StringToJson` turns the detail's JSON text back into the object the event carries (a pipe's
 * input template can only copy it as a string). `eventID` is kept so the pipe can tie a failed
 * entry to its record.
 */
export const ENRICHMENT_DEFINITION = {
  Comment: 'Outbox stream records to event fields, the detail parsed from its JSON text',
  StartAt: 'EachRecord',
  States: {
    EachRecord: {
      Type: 'Map',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'ToEvent',
        States: {
          ToEvent: {
            Type: 'Pass',
            Parameters: {
              'eventID.$': '$.eventID',
              'source.$': newImageString(attribute('outbox_source')),
              'detailType.$': newImageString(attribute('outbox_detail_type')),
              'time.$': newImageString(attribute('outbox_time')),
              'detail.$': `States.StringToJson(${newImageString(attribute('outbox_detail'))})`,
            },
            End: true,
          },
        },
      },
      End: true,
    },
  },
} as const

/**
 * The bus target: source, detail-type and time are dynamic paths into each enrichment result, and
 * the input template makes the parsed detail the event's detail.
 */
export const BUS_TARGET = {
  inputTemplate: '<$.detail>',
  source: '$.source',
  detailType: '$.detailType',
  time: '$.time',
} as const

/** How each pipe reads its stream (the README gives the reasons). */
export const STREAM_READING = {
  // Everything still in the stream (24 h) when a pipe is created: an item written after its stream
  // was enabled but before the pipe existed is relayed, never skipped (LATEST would skip it).
  startingPosition: 'TRIM_HORIZON',
  // The most entries one PutEvents call takes: a burst (a backfill) drains ten times faster.
  batchSize: 10,
  // Relay as soon as records are there; a quiet table never waits to fill a batch.
  maximumBatchingWindowInSeconds: 0,
  // Counted attempts only: throttling and outages of the bus or Step Functions are retried without
  // counting until the age below. Ten failures in a row is a record that will never go through.
  maximumRetryAttempts: 10,
  // Rides out six hours of outage untouched, then dead-letters, leaving 18 of the stream's 24 hours
  // to replay from the stream (and the outbox items themselves stay for OUTBOX_TTL_S).
  maximumRecordAgeInSeconds: 6 * 3600,
  // A batch whose enrichment fails is halved until the failing record is alone: only it is dead-lettered.
  onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
} as const
