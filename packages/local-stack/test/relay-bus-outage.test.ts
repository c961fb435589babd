import t from 'tap'
import { readCheckpoints } from '../src/relay/checkpoints.ts'
import { freePort } from '../src/dynamodb.ts'
import { receivedEventIds, recordingLogger, startTestbed, testEvent } from './relay-helper.ts'

const shardCheckpoints = async (file: string, table: string) => {
  const { streams } = await readCheckpoints(file)
  return Object.values(streams).find((s) => s.table === table)?.shards
}

t.test('with the bus down for a while nothing is lost or checkpointed: the events wait in the stream and go once it is back', async (t) => {
  const port = await freePort()
  const bed = await startTestbed(t, { busPort: port })
  const { logger, waitFor } = recordingLogger()
  const relay = await bed.relay({ logger, retry: { baseDelayMs: 50, maxDelayMs: 400 } })
  const before = Array.from({ length: 20 }, () => testEvent('usage'))
  await bed.putEvents(before)
  await relay.drained()
  // Handled before the bus stops: what its queues hold goes with it.
  await bed.idle()
  const checkpointed = await shardCheckpoints(relay.checkpointFile, bed.tables.names.usage)

  await bed.bus.close()
  const downAt = Date.now()
  const during = [...Array.from({ length: 80 }, () => testEvent('usage')), ...Array.from({ length: 40 }, () => testEvent('subscriptions'))]
  await bed.putEvents(during, 4)
  // Down long enough for several failed attempts, backing off.
  await waitFor('PutEvents failed; retrying', 6)
  t.same(await shardCheckpoints(relay.checkpointFile, bed.tables.names.usage), checkpointed, 'no checkpoint moved while the bus was down')
  t.equal(receivedEventIds(bed.target).length, before.length)

  await bed.restartBus(port)
  await relay.drained()
  await bed.idle()
  t.comment(`bus down ${Date.now() - downAt} ms; ${relay.stats().putEventsFailed} failed PutEvents`)
  const ids = receivedEventIds(bed.target)
  t.same(ids.slice().sort(), [...before, ...during].map((e) => e.eventId).sort(), 'every event delivered, each once')
  t.notSame(
    await shardCheckpoints(relay.checkpointFile, bed.tables.names.usage),
    checkpointed,
    'the checkpoint moved on once they were on the bus',
  )
})
