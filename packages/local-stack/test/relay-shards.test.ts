import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ExpiredIteratorException, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams'
import { marshall } from '@aws-sdk/util-dynamodb'
import t from 'tap'
import { readCheckpoints } from '../src/relay/checkpoints.ts'
import { sdkStreamApi, type StreamApi, type StreamRecord } from '../src/relay/stream-api.ts'
import { outboxItem, receivedEventIds, recordingLogger, startFlakyProxy, startTestbed, testEvent, type TestEvent } from './relay-helper.ts'

/** The real API, with `records` or `shardIterator` replaced for the test's fault. */
function faulty(api: StreamApi, faults: Partial<Pick<StreamApi, 'records' | 'shardIterator'>>): StreamApi {
  return { ...api, ...faults }
}

t.test('an expired shard iterator is fetched again from the checkpoint: nothing lost, nothing sent twice', async (t) => {
  const bed = await startTestbed(t)
  const real = sdkStreamApi({ endpoint: bed.tables.endpoint, region: bed.tables.region })
  let expire = false
  const api = faulty(real, {
    records(iterator) {
      if (!expire) return real.records(iterator)
      expire = false
      return Promise.reject(new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} }))
    },
  })
  const relay = await bed.relay({ streamApi: api })
  const first = Array.from({ length: 10 }, () => testEvent('usage'))
  await bed.putEvents(first)
  await relay.drained()
  expire = true
  const second = Array.from({ length: 10 }, () => testEvent('usage'))
  await bed.putEvents(second)
  await relay.drained()
  await bed.idle()
  t.equal(expire, false, 'the fault happened')
  t.equal(relay.stats().iteratorsExpired, 1)
  t.same(receivedEventIds(bed.target).sort(), [...first, ...second].map((e) => e.eventId).sort(), 'every event exactly once')
})

t.test('a checkpoint pointing into trimmed records restarts the shard at its trim horizon, logged as an error', async (t) => {
  const bed = await startTestbed(t)
  const before = Array.from({ length: 5 }, () => testEvent('usage'))
  await bed.putEvents(before)
  const first = await bed.relay()
  await first.drained()
  await first.stop()

  const after = Array.from({ length: 5 }, () => testEvent('usage'))
  await bed.putEvents(after)
  const real = sdkStreamApi({ endpoint: bed.tables.endpoint, region: bed.tables.region })
  let trimmed = false
  const api = faulty(real, {
    shardIterator(request) {
      if (request.after === undefined || trimmed) return real.shardIterator(request)
      trimmed = true
      return Promise.reject(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }))
    },
  })
  const { logger, entries } = recordingLogger()
  const second = await bed.relay({ streamApi: api, logger })
  await second.drained()
  await bed.idle()
  t.equal(second.stats().trimmed, 1)
  t.ok(
    entries.some((e) => e.level === 50 && /trimmed/.test(e.msg)),
    'an error names the trim',
  )
  // DynamoDB Local trimmed nothing really, so the trim horizon is the start: the first five come again.
  t.same(
    new Set(receivedEventIds(bed.target)),
    new Set([...before, ...after].map((e) => e.eventId)),
    'the records after the checkpoint are delivered',
  )
  t.equal(bed.target.received.length, 15)
})

t.test(
  "a table's first records, arriving after other tables' (DynamoDB Local then calls the iterator trimmed), are read with no loss and no error",
  async (t) => {
    const bed = await startTestbed(t)
    const { logger, entries } = recordingLogger()
    const relay = await bed.relay({ logger })
    // Both shards polled while empty: the relay holds an iterator at the start of each.
    await relay.drained()
    const events = [...Array.from({ length: 5 }, () => testEvent('subscriptions')), ...Array.from({ length: 5 }, () => testEvent('usage'))]
    for (const event of events) await bed.putEvents([event])
    await relay.drained()
    await bed.idle()
    t.same(receivedEventIds(bed.target).sort(), events.map((e) => e.eventId).sort(), 'every event once')
    t.ok(
      entries.some((e) => e.msg === 'shard iterator points at trimmed records; fetching it again from the checkpoint'),
      'DynamoDB Local did call the usage iterator trimmed',
    )
    t.equal(relay.stats().trimmed, 0, 'no trim counted')
    t.same(
      entries.filter((e) => e.level >= 40),
      [],
      'nothing logged above info',
    )
  },
)

// A stream whose shards split, kept in memory: DynamoDB Local never splits a shard on demand.
interface FakeShard {
  id: string
  parent?: string
  events: TestEvent[]
  open?: boolean
}

function fakeStreamApi(shards: FakeShard[], options: { pageSize?: number } = {}) {
  let sequence = 100
  const records = new Map<string, StreamRecord[]>()
  for (const shard of shards) {
    records.set(
      shard.id,
      shard.events.map((event) => ({
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: String(++sequence).padStart(21, '0'), NewImage: marshall(outboxItem(event)) },
      })),
    )
  }
  const reads: Array<{ shard: string; last: boolean }> = []
  const pageSize = options.pageSize ?? 2
  const api: StreamApi = {
    latestStreamArn: async () => 'arn:fake/stream/1',
    listShards: async () => shards.map((s) => ({ ShardId: s.id, ...(s.parent ? { ParentShardId: s.parent } : {}) })),
    async shardIterator({ shardId, after }) {
      const list = records.get(shardId) ?? []
      const index = after === undefined ? 0 : list.findIndex((r) => r.dynamodb?.SequenceNumber === after) + 1
      return `${shardId}|${index}`
    },
    async records(iterator) {
      const [shardId = '', at = '0'] = iterator.split('|')
      const list = records.get(shardId) ?? []
      const page = list.slice(Number(at), Number(at) + pageSize)
      const end = Number(at) + page.length
      const open = shards.find((s) => s.id === shardId)?.open
      const last = !open && end >= list.length
      reads.push({ shard: shardId, last })
      return { records: page, next: last ? undefined : `${shardId}|${end}` }
    },
    close() {},
  }
  return { api, reads }
}

t.test('a parent shard is read to its end, and its events are on the bus, before either child is read', async (t) => {
  const bed = await startTestbed(t)
  const events = (n: number) => Array.from({ length: n }, () => testEvent('usage'))
  const shards: FakeShard[] = [
    { id: 'child-b', parent: 'parent', events: events(3), open: true },
    { id: 'grandchild', parent: 'child-a', events: events(2), open: true },
    { id: 'parent', events: events(5) },
    { id: 'child-a', parent: 'parent', events: events(4) },
  ]
  const { api, reads } = fakeStreamApi(shards)
  // In front of the bus, to see the order of the PutEvents calls (the consumer's order is the bus's to choose).
  const proxy = await startFlakyProxy(bed.bus.url, () => false)
  t.teardown(() => proxy.close())
  const relay = await bed.relay({ streamApi: api, tables: { usage: 'fake' }, eventBridgeEndpoint: proxy.url })
  await relay.drained()
  await bed.idle()

  const firstRead = (shard: string) => reads.findIndex((r) => r.shard === shard)
  const lastRead = (shard: string) => reads.findIndex((r) => r.shard === shard && r.last)
  t.ok(
    lastRead('parent') >= 0 && lastRead('parent') < firstRead('child-a') && lastRead('parent') < firstRead('child-b'),
    'children after their parent',
  )
  t.ok(lastRead('child-a') < firstRead('grandchild'), 'and theirs after them')
  t.same(receivedEventIds(bed.target).sort(), shards.flatMap((s) => s.events.map((e) => e.eventId)).sort(), 'every event once')
  const parentIds = new Set(shards[2]!.events.map((e) => e.eventId))
  t.ok(
    [...proxy.attempts.keys()].slice(0, parentIds.size).every((id) => parentIds.has(id)),
    "the parent's events were put on the bus first",
  )

  const checkpoints = await readCheckpoints(relay.checkpointFile)
  t.match(checkpoints.streams['arn:fake/stream/1']?.shards, {
    parent: { done: true },
    'child-a': { done: true },
    'child-b': {},
    grandchild: {},
  })
  t.notOk(checkpoints.streams['arn:fake/stream/1']?.shards['child-b']?.done, 'an open shard is never done')
})

t.test('a restarted relay does not read again a finished parent, and a child whose parent was trimmed away is read at once', async (t) => {
  const bed = await startTestbed(t)
  const parent: FakeShard = { id: 'parent', events: [testEvent('usage'), testEvent('usage')] }
  const child: FakeShard = { id: 'child', parent: 'parent', events: [testEvent('usage')], open: true }
  const first = fakeStreamApi([parent, child])
  const relay = await bed.relay({ streamApi: first.api, tables: { usage: 'fake' } })
  await relay.drained()
  await relay.stop()

  const again = fakeStreamApi([parent, child])
  const restarted = await bed.relay({ streamApi: again.api, tables: { usage: 'fake' } })
  await restarted.drained()
  t.notOk(
    again.reads.some((r) => r.shard === 'parent'),
    'the finished parent is not read again',
  )

  // Past the 24 h retention the parent is no longer listed; its child is read without waiting.
  const orphan: FakeShard = { id: 'orphan', parent: 'gone', events: [testEvent('usage')] }
  const third = await bed.relay({
    streamApi: fakeStreamApi([orphan]).api,
    tables: { usage: 'fake' },
    checkpointFile: `${bed.dir}/other.json`,
  })
  await third.drained()
  await bed.idle()
  const all = [parent, child, orphan].flatMap((s) => s.events.map((e) => e.eventId))
  t.same(receivedEventIds(bed.target).sort(), all.sort(), 'each event once, the orphan included')
})

t.test('every page of DescribeStream is read: no shard is missed past the first 100', async (t) => {
  const pages = [
    {
      Shards: Array.from({ length: 100 }, (_, i) => ({ ShardId: `shardId-${String(i).padStart(28, '0')}` })),
      LastEvaluatedShardId: 'shardId-' + '99'.padStart(28, '0'),
    },
    { Shards: [{ ShardId: 'shardId-last-one-0000000000000000000000' }] },
  ]
  const starts: Array<string | undefined> = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (d: Buffer) => (text += d.toString()))
    req.on('end', () => {
      const input = JSON.parse(text) as { ExclusiveStartShardId?: string }
      starts.push(input.ExclusiveStartShardId)
      const page = input.ExclusiveStartShardId ? pages[1] : pages[0]
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ StreamDescription: page }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  t.teardown(() => server.close())
  const api = sdkStreamApi({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1' })
  t.teardown(() => api.close())
  const shards = await api.listShards('arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/2026-01-01T00:00:00.000')
  t.equal(shards.length, 101)
  t.same(starts, [undefined, pages[0]!.LastEvaluatedShardId], 'the second page starts after the first')
})
