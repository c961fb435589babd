// The synthesized pipes, run offline on sample stream records with the model in pipe-evaluator.ts:
// what reaches the bus must be what the local relay puts for the same outbox item.
import t from 'tap'
import { PUBLISHERS } from '@f1/events/rules'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { ENRICHMENT_DEFINITION } from '../src/outbox-relay.ts'
import { OUTBOX_PRODUCERS } from '../src/services.ts'
import { resourceWhere, synthesize, type Resource } from './helper.ts'
import { insertRecord, localRelayEntry, outboxItem, streamRecord, type OutboxItem } from './outbox-records.ts'
import { matchesPattern, runMachine, runPipe, type BusTargetTemplate, type Json, type PipeModel, type PutEvent } from './pipe-evaluator.ts'

const { relay } = synthesize()

/** The pipe of a table as synthesized: its filter patterns, its enrichment's definition, its target. */
function pipeModel(table: OutboxTableId): PipeModel {
  const [, pipe] = resourceWhere(relay, 'AWS::Pipes::Pipe', 'Name', `f1-relay-${table}-dev`)
  const props = pipe.Properties as {
    SourceParameters: { FilterCriteria: { Filters: { Pattern: string }[] } }
    Enrichment: { Ref: string }
    TargetParameters: BusTargetTemplate
  }
  const machine = (relay.toJSON().Resources as Record<string, Resource>)[props.Enrichment.Ref]
  return {
    patterns: props.SourceParameters.FilterCriteria.Filters.map((f) => JSON.parse(f.Pattern) as Json),
    definition: JSON.parse(String(machine?.Properties?.DefinitionString)) as Json,
    target: props.TargetParameters,
  }
}

/** A sample event of the table's producer. */
function sampleItem(table: OutboxTableId, detail?: Record<string, Json>): OutboxItem {
  const source = PUBLISHERS[OUTBOX_PRODUCERS[table]]
  return outboxItem(table, { source, detailType: 'Sample Happened', ...(detail ? { detail } : {}) })
}

/** The local relay's entry with its detail parsed, as an event on the bus carries it. */
function onTheBus(item: OutboxItem): PutEvent {
  const entry = localRelayEntry(item)
  return { ...entry, Detail: JSON.parse(entry.Detail) as Json }
}

const usage = pipeModel('usage')

for (const table of OUTBOX_TABLE_IDS) {
  t.test(
    `${table}: an inserted outbox item reaches the bus as the local relay puts it (source, detail-type, detail object, time)`,
    async (t) => {
      const item = sampleItem(table)
      const [event, ...rest] = runPipe(pipeModel(table), [insertRecord(table, item)])
      t.same(rest, [])
      t.strictSame(event, onTheBus(item))
      t.equal((event?.Detail as { event_id?: unknown }).event_id, item.outbox_event_id, 'consumers dedupe on the detail’s event_id')
    },
  )
}

t.test('a usage limit reached becomes a Usage Limit Reached event of f1.usage with its detail as an object', async (t) => {
  const item = outboxItem('usage', {
    source: 'f1.usage',
    detailType: 'Usage Limit Reached',
    detail: { feature: 'simulations', date: '2026-12-01', usage_count: 5, limit_value: 5 },
  })
  t.strictSame(runPipe(usage, [insertRecord('usage', item)]), [
    {
      Source: 'f1.usage',
      DetailType: 'Usage Limit Reached',
      Time: '2026-12-01T10:15:30.123Z',
      Detail: {
        event_id: item.outbox_event_id,
        user_id: 'user-42',
        occurred_at: '2026-12-01T10:15:30.123Z',
        correlation_id: (JSON.parse(item.outbox_detail) as { correlation_id: string }).correlation_id,
        version: 1,
        feature: 'simulations',
        date: '2026-12-01',
        usage_count: 5,
        limit_value: 5,
      },
    },
  ])
})

t.test('updates, TTL deletes and items that are not outbox items never reach the bus', async (t) => {
  const item = sampleItem('usage')
  const keys = { user_id: 'user-42', feature_date_key: String(item.feature_date_key) }
  const counter = { user_id: 'user-42', feature_date_key: 'simulations_2026-12-01', count: 3 }
  const records = [
    streamRecord('MODIFY', item, keys),
    streamRecord('REMOVE', item, keys),
    streamRecord('INSERT', counter, { user_id: 'user-42', feature_date_key: 'simulations_2026-12-01' }),
    streamRecord('INSERT', { ...counter, outbox_event_id: 7 }, { user_id: 'user-42', feature_date_key: 'x' }),
  ]
  for (const record of records)
    t.notOk(
      usage.patterns.some((p) => matchesPattern(p, record)),
      JSON.stringify(record.eventName),
    )
  t.same(runPipe(usage, records), [])
  t.ok(
    usage.patterns.some((p) => matchesPattern(p, insertRecord('usage', item))),
    'while the insert passes',
  )
})

t.test('a mixed batch puts one event per outbox insert, in stream order', async (t) => {
  const items = Array.from({ length: 6 }, () => sampleItem('usage'))
  const records = items.flatMap((item, i) => {
    const insert = insertRecord('usage', item)
    return i % 2 === 0
      ? [
          insert,
          streamRecord('INSERT', { user_id: 'user-42', feature_date_key: `f_${i}` }, { user_id: 'user-42', feature_date_key: `f_${i}` }),
        ]
      : [insert]
  })
  t.equal(records.length, 9)
  t.strictSame(runPipe(usage, records), items.map(onTheBus))
})

t.test('a detail with quotes, newlines, unicode, nulls and nesting arrives as the same object', async (t) => {
  const detail = {
    name: 'Lewis "44" O\'Neil\nline two \\ backslash',
    emoji: 'Ünïcødé 🏎️',
    nothing: null,
    nested: { laps: [1, 2, { pit: true }], ratio: 0.125 },
  }
  const item = sampleItem('gateway', detail)
  const [event] = runPipe(pipeModel('gateway'), [insertRecord('gateway', item)])
  t.match(event?.Detail, detail)
  t.strictSame(event?.Detail, JSON.parse(item.outbox_detail))
})

t.test('a detail that is not JSON fails the enrichment, so the record is retried and dead-lettered, never put half-parsed', async (t) => {
  const item = { ...sampleItem('usage'), outbox_detail: '{"event_id": "01J", truncated' }
  const batch = [insertRecord('usage', sampleItem('usage')), insertRecord('usage', item)]
  // The whole execution fails, not one record: Pipes then bisects the batch down to this record.
  t.throws(() => runPipe(usage, batch), { error: 'States.Runtime', message: /outbox_detail\.S is not JSON/ })
})

t.test('the synthesized enrichment is the definition in src/outbox-relay.ts', async (t) => {
  t.strictSame(usage.definition, ENRICHMENT_DEFINITION)
})

t.test('the model refuses what it does not evaluate, so the definition cannot outgrow it unnoticed', async (t) => {
  const pass = (extra: Record<string, Json>): Json => ({ StartAt: 'S', States: { S: { Type: 'Pass', End: true, ...extra } } })
  t.throws(() => runMachine(pass({ ResultPath: '$.x' }), {}), /ResultPath is not modelled/)
  t.throws(() => runMachine(pass({ Parameters: { 'x.$': 'States.JsonMerge($.a, $.b, false)' } }), {}), /not modelled/)
  t.throws(() => runMachine({ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'arn', End: true } } }, {}), /Task is not modelled/)
  t.throws(() => matchesPattern({ eventName: [{ prefix: 'INS' }] }, { eventName: 'INSERT' }), /not modelled/)
  t.throws(() => runMachine(pass({ Parameters: { 'x.$': '$..deep' } }), {}), /not modelled/)
})
