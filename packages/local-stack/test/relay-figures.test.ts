// Figures for the README and reviews, with loose bounds: latency from insert to consumer, and the
// relay's throughput next to sending the same entries straight to the bus with PutEvents.
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { marshall } from '@aws-sdk/util-dynamodb'
import t from 'tap'
import { BUS, sdkClient, startTestBus } from './bus-helper.ts'
import { outboxItem, startTestbed, testEvent } from './relay-helper.ts'

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

t.test('an outbox item reaches the consumer within about one poll interval of its insert', async (t) => {
  const bed = await startTestbed(t)
  const pollIntervalMs = 250 // the CLI's default
  const relay = await bed.relay({ pollIntervalMs })
  await relay.drained()
  const latencies: number[] = []
  for (let i = 0; i < 20; i++) {
    // Inserts at random points of the poll cycle, as producers do, not right after a read.
    await sleep(Math.random() * pollIntervalMs)
    const start = performance.now()
    await bed.putEvents([testEvent('usage')])
    await bed.target.waitFor(i + 1)
    latencies.push(performance.now() - start)
  }
  latencies.sort((a, b) => a - b)
  const [p50, p95, max] = [percentile(latencies, 50), percentile(latencies, 95), latencies.at(-1)!]
  t.comment(
    `insert -> consumer with a ${pollIntervalMs} ms poll: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${max.toFixed(0)} ms`,
  )
  t.ok(p95 < pollIntervalMs + 500, 'p95 within the poll interval and half a second')
})

t.test('the relay puts a backlog on the bus at a rate of the same order as PutEvents sent directly', async (t) => {
  const bed = await startTestbed(t)
  const count = 1_000
  const events = Array.from({ length: count }, () => testEvent('usage'))
  for (let i = 0; i < count; i += 25) {
    const requests = events.slice(i, i + 25).map((e) => ({ PutRequest: { Item: marshall(outboxItem(e)) } }))
    await bed.tables.client.send(new BatchWriteItemCommand({ RequestItems: { [bed.tables.names.usage]: requests } }))
  }

  // A bus with no rules: the figures are the relay's and PutEvents', not the in-process consumer's.
  const quiet = await startTestBus(t, { rules: [], deadLetterDir: join(bed.dir, 'quiet-bus') })
  let start = performance.now()
  const relay = await bed.relay({ eventBridgeEndpoint: quiet.url })
  await relay.drained()
  const relayMs = performance.now() - start
  t.equal(relay.stats().eventsSent, count)
  t.equal(quiet.stats().entriesAccepted, count)

  const client = sdkClient(quiet.url)
  t.teardown(() => client.destroy())
  const entries = events.map((e) => ({
    Source: e.source,
    DetailType: e.detailType,
    Detail: JSON.stringify(e.detail),
    Time: new Date(e.time),
    EventBusName: BUS,
  }))
  start = performance.now()
  for (let i = 0; i < count; i += 10) await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }))
  const directMs = performance.now() - start

  const rate = (ms: number) => Math.round((count / ms) * 1000)
  t.comment(
    `${count} events: relay ${rate(relayMs)}/s (stream read, PutEvents, checkpoints) vs direct sequential PutEvents ${rate(directMs)}/s; ${relay.stats().checkpointWrites} checkpoint writes`,
  )
  t.ok(rate(relayMs) > rate(directMs) / 10, 'within an order of magnitude of sending directly')
})
