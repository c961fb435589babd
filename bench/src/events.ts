// bench/events: a committed change to its action-log row, the whole path as it is now (the event
// written in the producer's outbox, the relay reading the table's stream, the local bus putting it
// on action-log-service's SQS queue, action-log-service polling its queue and storing the row), next
// to the path before the outbox (PutEvents straight from the producer to the bus, then the same
// queue) and to posting the events straight to the consumer's POST /events, all in one run.
//   pnpm --filter @f1/bench events [-- --events 2000 --latency-samples 200 --poll-ms 250]
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { outboxEvent, writeOutboxEvent } from '@f1/events/outbox'
import { createEventBridgeClient } from '@f1/events/put-events'
import { RULES } from '@f1/events/rules'
import { startLocalBus } from '@f1/local-stack/bus'
import { reportBenchRow } from '@f1/local-stack/bench-summary'
import { freePort, startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { startRelay } from '@f1/local-stack/relay'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      events: { type: 'string', default: '2000' },
      'latency-samples': { type: 'string', default: '200' },
      'poll-ms': { type: 'string', default: '250' },
    },
  },
  { program: 'bench events' },
)
const EVENTS = Number(values.events)
const SAMPLES = Number(values['latency-samples'])
const POLL_MS = Number(values['poll-ms'])
const SECRET = 'bench-bus-secret-0123456789'
const ACTIONS = 'bench-actions'
const OUTBOX = 'bench-gateway'
const IN_FLIGHT = 16

const ddb = await startDynamoDbLocal()
const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
await ensureTables(client, { actions: ACTIONS, gateway: OUTBOX })

// The bus first: it serves the consumer's queue, whose URL the consumer is started with.
const bus = await startLocalBus({
  port: 0,
  queuePort: 0,
  rules: RULES.filter((r) => r.target === 'action-log-service'),
  deadLetterDir: mkdtempSync(join(tmpdir(), 'bench-dlq-')),
  retry: { requestTimeoutMs: 15_000 },
})

const port = await freePort()
const consumerUrl = `http://127.0.0.1:${port}`
const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: join(import.meta.dirname, '..', '..', 'apps', 'action-log-service'),
  env: {
    ...process.env,
    DYNAMODB_ENDPOINT: ddb.endpoint,
    USER_ACTIONS_LOG_TABLE: ACTIONS,
    ACTION_LOG_SERVICE_PORT: String(port),
    // It polls its queue (EVENT_QUEUE_URL, its dead-letter queue, SQS_ENDPOINT), as in AWS...
    ...bus.queueEnv('action-log-service'),
    // ...and answers POST /events too, for the baseline that posts the events straight to it.
    EVENT_BUS_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
let ready = false
for (let i = 0; i < 200 && !ready; i++) {
  ready = await fetch(`${consumerUrl}/ready`).then(
    (r) => r.ok,
    () => false,
  )
  if (!ready) await new Promise((r) => setTimeout(r, 100))
}
if (!ready) {
  service.kill('SIGTERM')
  await bus.close()
  await ddb.stop()
  throw new Error('action-log-service did not become ready')
}

const relay = await startRelay({
  dynamodbEndpoint: ddb.endpoint,
  region: 'us-east-1',
  tables: { gateway: OUTBOX },
  eventBridgeEndpoint: bus.url,
  busName: 'f1-events-dev',
  checkpointFile: join(mkdtempSync(join(tmpdir(), 'bench-relay-')), 'checkpoints.json'),
  pollIntervalMs: POLL_MS,
})
const eventBridge = createEventBridgeClient({ region: 'us-east-1', endpoint: bus.url })

const signedIn = (user: string, i: number) => outboxEvent('gateway', 'UserSignedIn', { userId: user, correlationId: `bench-${i}` }, {})
const countRows = async (user: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: ACTIONS,
        KeyConditionExpression: 'user_id = :u',
        ExpressionAttributeValues: { ':u': user },
        Select: 'COUNT',
      }),
    )
  ).Count ?? 0
const waitForRows = async (user: string, expected: number, pause: () => Promise<unknown>) => {
  while ((await countRows(user)) < expected) await pause()
}

/** The three ways an event can travel from its producer to the action log. */
const paths = {
  // Now: the outbox item committed (here alone; in the apps with its state change), then relay, bus, the
  // consumer's queue, the consumer's poll.
  outbox: (user: string, i: number) => writeOutboxEvent(doc, OUTBOX, signedIn(user, i)),
  // Before the outbox: the producer put the event on the bus itself (after its state change, not with it);
  // from the bus on, the same queue and poll.
  putEvents: async (user: string, i: number) => {
    const item = signedIn(user, i).item
    const res = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: String(item.outbox_source),
            DetailType: String(item.outbox_detail_type),
            Detail: String(item.outbox_detail),
            EventBusName: 'f1-events-dev',
            Time: new Date(String(item.outbox_time)),
          },
        ],
      }),
    )
    if (res.FailedEntryCount) throw new Error('PutEvents refused the event')
  },
  // The consumer alone: the event posted to its POST /events, no relay, bus or queue in between.
  direct: async (user: string, i: number) => {
    const item = signedIn(user, i).item
    const res = await fetch(`${consumerUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bus-secret': SECRET },
      body: JSON.stringify({
        version: '0',
        id: `direct-${i}`,
        'detail-type': item.outbox_detail_type,
        source: item.outbox_source,
        account: '0',
        time: item.outbox_time,
        region: 'us-east-1',
        resources: [],
        detail: JSON.parse(String(item.outbox_detail)),
      }),
    })
    await res.arrayBuffer()
  },
}
type PathName = keyof typeof paths

interface Figures {
  p50: number
  p90: number
  p99: number
  perSecond: number
}

async function measure(path: PathName): Promise<Figures> {
  // Latency: one event at a time, from the write to the row being readable.
  const latencies: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const user = `${path}-lat-${i}`
    // Changes come at any moment, not in step with the relay's polls: a random pause desynchronises them.
    await new Promise((r) => setTimeout(r, Math.random() * POLL_MS))
    const started = performance.now()
    await paths[path](user, i)
    await waitForRows(user, 1, () => new Promise((r) => setImmediate(r)))
    latencies.push(performance.now() - started)
  }
  latencies.sort((a, b) => a - b)
  const q = (p: number) => latencies[Math.floor(p * (latencies.length - 1))] ?? 0
  // Throughput: EVENTS events written IN_FLIGHT at a time, until every row is stored.
  const user = `${path}-throughput`
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < EVENTS) await paths[path](user, next++)
    }),
  )
  await waitForRows(user, EVENTS, () => new Promise((r) => setTimeout(r, 50)))
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), perSecond: EVENTS / ((performance.now() - started) / 1000) }
}

// DynamoDB Local's JIT and the consumer (its POST /events and its queue poller) warm up first, so no path pays for it.
for (let i = 0; i < 300; i++) await paths.direct('warm-up', i)
for (let i = 0; i < 100; i++) await paths.putEvents('warm-up-queue', i)
await waitForRows('warm-up-queue', 100, () => new Promise((r) => setTimeout(r, 50)))
const results = { direct: await measure('direct'), putEvents: await measure('putEvents'), outbox: await measure('outbox') }

await bus.idle()
const busStats = bus.stats()
const deadLetters = (await bus.deadLetters.list()).length
await relay.stop()
// The consumer stops polling before its queue goes away with the bus.
service.kill('SIGTERM')
await new Promise((r) => service.once('exit', r))
await bus.close()
eventBridge.destroy()
client.destroy()
await ddb.stop()

const label: Record<PathName, string> = {
  outbox: 'outbox -> relay -> bus -> queue -> consumer (now)',
  putEvents: 'PutEvents -> bus -> queue -> consumer (before)',
  direct: 'POST /events to the consumer',
}
const WIDTH = 50
const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`
console.log(
  `\nevent delivery, a committed change to its action-log row; ${SAMPLES} events one at a time for latency, ${EVENTS} (${IN_FLIGHT} in flight) for throughput; relay poll ${POLL_MS} ms`,
)
console.log(`${'path'.padEnd(WIDTH)} ${'p50'.padStart(10)} ${'p90'.padStart(10)} ${'p99'.padStart(10)} ${'events/s'.padStart(9)}  vs direct`)
for (const path of ['outbox', 'putEvents', 'direct'] as const) {
  const f = results[path]
  console.log(
    `${label[path].padEnd(WIDTH)} ${ms(f.p50)} ${ms(f.p90)} ${ms(f.p99)} ${f.perSecond.toFixed(0).padStart(9)}  ${(f.perSecond / results.direct.perSecond).toFixed(2)}x`,
  )
}
const hop = results.outbox.p50 - results.putEvents.p50
console.log(
  `\nthe stream hop adds ${hop.toFixed(0)} ms at p50 (${(results.outbox.p99 - results.putEvents.p99).toFixed(0)} ms at p99) to a delivery; in exchange an event exists exactly when its change does`,
)
const queueHop = results.putEvents.p50 - results.direct.p50
console.log(
  `PutEvents, the bus, the consumer's queue and its poll add ${queueHop.toFixed(0)} ms at p50 (${(results.putEvents.p99 - results.direct.p99).toFixed(0)} ms at p99) over posting the event to the consumer`,
)
console.log(`relay: ${JSON.stringify(relay.stats())}`)
console.log(
  `bus: ${busStats.delivered} events put on the consumer's queue, ${busStats.retries} retries, ${busStats.deadLettered} dead-lettered (${deadLetters} in its dead-letter file)`,
)
const eventFigures = (f: Figures) => ({ perSecond: f.perSecond, p50ms: f.p50, p99ms: f.p99 })
reportBenchRow({
  label: 'event delivery: committed change -> action-log row',
  figures: eventFigures(results.outbox),
  baseline: { label: 'straight POST to the consumer', figures: eventFigures(results.direct) },
  goal: 0.8,
  note: `${EVENTS} events through the consumer's SQS queue, latency of ${SAMPLES} one at a time`,
})
console.log('(one machine: writers, relay, bus, consumer and DynamoDB Local share its 2 cores)')
