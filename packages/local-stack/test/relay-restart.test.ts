import { join } from 'node:path'
import t from 'tap'
import { readCheckpoints, type CheckpointFile } from '../src/relay/checkpoints.ts'
import {
  RELAY_TABLES,
  receivedEventIds,
  spawnRelay,
  startTestbed,
  streamPositions,
  testEvent,
  waitForEventIds,
  type Testbed,
  type RelayProcess,
  type TestEvent,
} from './relay-helper.ts'

/** Resolves once the bus has accepted `count` events (checked every millisecond: it runs in this process). */
function accepted(bed: Testbed, count: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (bed.bus.stats().entriesAccepted < count) return
      clearInterval(timer)
      resolve()
    }, 1)
  })
}

/** A burst across both tables, interleaved. */
const burst = (n: number): TestEvent[] => Array.from({ length: n }, (_, i) => testEvent(RELAY_TABLES[i % 3 === 0 ? 1 : 0]!))

/** Whether an event's record is after its shard's checkpoint in `checkpoints` (no checkpoint: everything is). */
async function afterCheckpoint(bed: Testbed, checkpoints: CheckpointFile): Promise<(id: string) => boolean> {
  const positions = new Map([...(await streamPositions(bed, 'usage')), ...(await streamPositions(bed, 'subscriptions'))])
  const checkpointOf = (shardId: string) =>
    Object.values(checkpoints.streams).find((s) => s.shards[shardId])?.shards[shardId]?.sequenceNumber
  return (id) => {
    const position = positions.get(id)
    if (!position) throw new Error(`event ${id} is not in the stream`)
    const checkpoint = checkpointOf(position.shardId)
    return checkpoint === undefined || position.sequenceNumber > BigInt(checkpoint)
  }
}

const countById = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>())

t.test(
  'a relay killed with SIGKILL mid-burst and started again delivers every event; only events after its last checkpoint come twice',
  async (t) => {
    const bed = await startTestbed(t)
    const dir = join(bed.dir, 'cli')
    const events = burst(400)
    const first: RelayProcess = spawnRelay(bed, dir)
    t.teardown(() => first.child.kill('SIGKILL'))
    await first.waitForLog('relay started')
    // Killed the instant the bus has the 100th event: its batch may or may not be checkpointed yet.
    void accepted(bed, 100).then(() => first.child.kill('SIGKILL'))

    const writing = bed.putEvents(events, 8)
    t.equal((await first.exited).signal, 'SIGKILL')
    // Whatever the killed relay got onto the bus reaches the consumer; nothing more will come from it.
    await bed.idle()
    const beforeKill = new Set(receivedEventIds(bed.target))
    const checkpointsAtKill = await readCheckpoints(join(dir, 'checkpoints.json'))
    await writing
    t.ok(beforeKill.size < events.length, `killed mid-burst: ${beforeKill.size} of ${events.length} delivered`)

    const second = spawnRelay(bed, dir)
    t.teardown(() => second.child.kill('SIGKILL'))
    await second.waitForLog('relay started')
    await waitForEventIds(
      bed.target,
      events.map((e) => e.eventId),
    )
    await bed.idle()

    const received = receivedEventIds(bed.target)
    const counts = countById(received)
    const isAfter = await afterCheckpoint(bed, checkpointsAtKill)
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id)
    const expectedAgain = [...beforeKill].filter(isAfter)
    t.same(
      events.filter((e) => !counts.has(e.eventId)),
      [],
      'no event lost',
    )
    t.ok(
      [...counts.values()].every((n) => n <= 2),
      'none more than twice',
    )
    t.same(
      duplicated.sort(),
      expectedAgain.sort(),
      'the duplicates are exactly the events delivered after the last checkpoint written before the kill',
    )
    t.equal(new Set(received).size, events.length, 'deduplicated by event_id, the consumer has exactly one of each')
    t.comment(
      `${beforeKill.size} delivered before the kill, ${expectedAgain.length} of them after its last checkpoint: ${received.length - events.length} duplicates in ${received.length} deliveries`,
    )

    second.child.kill('SIGTERM')
    t.equal((await second.exited).code, 143, 'SIGTERM stops it cleanly')
  },
)

t.test(
  'a relay stopped with SIGTERM mid-burst finishes its batch and writes its checkpoint: the next run sends nothing twice',
  async (t) => {
    const bed = await startTestbed(t)
    const dir = join(bed.dir, 'cli')
    const events = burst(300)
    const first = spawnRelay(bed, dir)
    t.teardown(() => first.child.kill('SIGKILL'))
    await first.waitForLog('relay started')
    const writing = bed.putEvents(events, 8)
    await accepted(bed, 60)
    first.child.kill('SIGTERM')
    t.equal((await first.exited).code, 143)
    t.ok(
      first.lines.some((l) => l.msg === 'relay stopped'),
      'it logged its stop',
    )
    await bed.idle()
    const beforeStop = receivedEventIds(bed.target)
    const isAfter = await afterCheckpoint(bed, await readCheckpoints(join(dir, 'checkpoints.json')))
    t.same(beforeStop.filter(isAfter), [], 'everything it delivered is covered by its checkpoint')
    await writing

    const second = spawnRelay(bed, dir)
    t.teardown(() => second.child.kill('SIGKILL'))
    await second.waitForLog('relay started')
    await waitForEventIds(
      bed.target,
      events.map((e) => e.eventId),
    )
    second.child.kill('SIGINT')
    t.equal((await second.exited).code, 130, 'SIGINT stops it cleanly too')
    await bed.idle()
    t.equal(receivedEventIds(bed.target).length, events.length, `each of the ${events.length} events delivered once over both runs`)
    t.comment(`${beforeStop.length} delivered before SIGTERM`)
  },
)
