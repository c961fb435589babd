// The README's DLQ replay turns stream records (or scanned outbox items) into PutEvents entries with
// replay/outbox-entries.jq: they must be the events the pipe would have put.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { BUS_TARGET, ENRICHMENT_DEFINITION, OUTBOX_FILTER_PATTERN } from '../src/outbox-relay.ts'
import { insertRecord, marshall, outboxItem, streamRecord } from './outbox-records.ts'
import { runPipe, type Json } from './pipe-evaluator.ts'

const FILTER = fileURLToPath(new URL('../replay/outbox-entries.jq', import.meta.url))
const jqMissing = spawnSync('jq', ['--version']).error ? 'jq is not installed' : false

interface Entry {
  Source: string
  DetailType: string
  Detail: string
  Time: string
  EventBusName: string
}

/** Runs the filter like the README does (`jq -c -s ...`); one chunk of entries per output line. */
function entries(inputs: Json[], args: { firstSeq?: string; lastSeq?: string } = {}) {
  const run = spawnSync(
    'jq',
    [
      '-c',
      '-s',
      '--arg',
      'bus',
      'f1-events-prod',
      '--arg',
      'first_seq',
      args.firstSeq ?? '',
      '--arg',
      'last_seq',
      args.lastSeq ?? '',
      '-f',
      FILTER,
    ],
    { input: inputs.map((i) => JSON.stringify(i)).join('\n'), encoding: 'utf8' },
  )
  const chunks = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Entry[])
  return { status: run.status, stderr: run.stderr, chunks }
}

const pipe = {
  patterns: [OUTBOX_FILTER_PATTERN as unknown as Json],
  definition: ENRICHMENT_DEFINITION as unknown as Json,
  target: {
    InputTemplate: BUS_TARGET.inputTemplate,
    EventBridgeEventBusParameters: { Source: BUS_TARGET.source, DetailType: BUS_TARGET.detailType, Time: BUS_TARGET.time },
  },
}

const event = () => outboxItem('usage', { source: 'f1.usage', detailType: 'Usage Limit Reached', detail: { note: 'a "quoted" word' } })
const sequenceOf = (record: Record<string, Json>) => String((record.dynamodb as { SequenceNumber: string }).SequenceNumber)

t.test('a dead-lettered batch replays as the events the pipe would have put, nothing outside the batch', { skip: jqMissing }, async (t) => {
  const before = insertRecord('usage', event())
  const inBatch = [
    insertRecord('usage', event()),
    streamRecord(
      'INSERT',
      { user_id: 'user-42', feature_date_key: 'simulations_2026-12-01', count: 1 },
      { user_id: 'user-42', feature_date_key: 'simulations_2026-12-01' },
    ),
    insertRecord('usage', event()),
  ]
  const after = insertRecord('usage', event())
  const page = { Records: [before, ...inBatch, after], NextShardIterator: 'arn:...|1|AAAA' }
  const out = entries([page], { firstSeq: sequenceOf(inBatch[0]!), lastSeq: sequenceOf(inBatch[2]!) })
  t.equal(out.status, 0, out.stderr)
  t.equal(out.chunks.length, 1)
  const replayed = out.chunks.flat()
  t.same(
    replayed.map((e) => e.EventBusName),
    ['f1-events-prod', 'f1-events-prod'],
  )
  t.strictSame(
    replayed.map(({ EventBusName: _, ...e }) => ({ ...e, Detail: JSON.parse(e.Detail) as Json })),
    runPipe(pipe, inBatch),
  )
})

t.test(
  'records that stop before the batch ends are refused, so no part of a batch is replayed unnoticed',
  { skip: jqMissing },
  async (t) => {
    const records = [insertRecord('usage', event()), insertRecord('usage', event())]
    const out = entries([{ Records: records }], { firstSeq: sequenceOf(records[0]!), lastSeq: `${sequenceOf(records[1]!)}9` })
    t.not(out.status, 0)
    t.match(out.stderr, /stop before the batch's end sequence number/)
    const both = entries([{ Records: records.slice(0, 1) }, { Records: records.slice(1) }], {
      firstSeq: sequenceOf(records[0]!),
      lastSeq: sequenceOf(records[1]!),
    })
    t.equal(both.chunks.flat().length, 2, 'two pages passed together cover the batch')
  },
)

t.test(
  'scanned outbox items (the fallback once the stream has dropped them) replay in chunks of at most ten',
  { skip: jqMissing },
  async (t) => {
    const items = Array.from({ length: 23 }, event)
    const scan = {
      Items: [...items.map(marshall), marshall({ user_id: 'user-42', feature_date_key: 'simulations_2026-12-01', count: 2 })],
      Count: 24,
    }
    const out = entries([scan])
    t.equal(out.status, 0, out.stderr)
    t.same(
      out.chunks.map((c) => c.length),
      [10, 10, 3],
    )
    t.same(
      out.chunks.flat().map((e) => JSON.parse(e.Detail) as Json),
      items.map((i) => JSON.parse(i.outbox_detail) as Json),
    )
  },
)
