// bench/events: end-to-end event latency (publish -> action row stored) through the real SDK
// client, the local bus and action-log-service; and the bus's delivery throughput next to posting
// the same events straight to the consumer, in one run.
//   pnpm --filter @f1/bench events [-- --events 2000 --latency-samples 200]
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { createEventBridgeClient, createEventPublisher } from '@f1/events/publisher'
import { RULES } from '@f1/events/rules'
import { startLocalBus } from '@f1/local-stack/bus'
import { freePort, startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { events: { type: 'string', default: '2000' }, 'latency-samples': { type: 'string', default: '200' } },
})
const EVENTS = Number(values.events)
const SAMPLES = Number(values['latency-samples'])
const SECRET = 'bench-bus-secret-0123456789'
const TABLE = 'bench-actions'

const ddb = await startDynamoDbLocal()
const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
await ensureTables(client, { actions: TABLE })

const port = await freePort()
const consumerUrl = `http://127.0.0.1:${port}`
const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: join(import.meta.dirname, '..', '..', 'apps', 'action-log-service'),
  env: {
    ...process.env,
    DYNAMODB_ENDPOINT: ddb.endpoint,
    USER_ACTIONS_LOG_TABLE: TABLE,
    ACTION_LOG_SERVICE_PORT: String(port),
    EVENT_BUS_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
for (
  let i = 0;
  i < 100 &&
  !(await fetch(`${consumerUrl}/ready`).then(
    (r) => r.ok,
    () => false,
  ));
  i++
)
  await new Promise((r) => setTimeout(r, 100))

const bus = await startLocalBus({
  port: 0,
  secret: SECRET,
  rules: RULES.filter((r) => r.target === 'action-log-service'),
  targetUrl: () => `${consumerUrl}/events`,
  deadLetterDir: mkdtempSync(join(tmpdir(), 'bench-dlq-')),
})
const publisher = createEventPublisher({
  client: createEventBridgeClient({ region: 'us-east-1', endpoint: bus.url }),
  busName: 'f1-events-dev',
  logger: { warn: () => {}, error: (o, m) => console.error(m, o) },
})
const signedIn = (user: string, i: number) => ({
  user_id: user,
  occurred_at: new Date().toISOString(),
  correlation_id: `bench-${i}`,
  version: 1,
})
const countRows = async (user: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'user_id = :u',
        ExpressionAttributeValues: { ':u': user },
        Select: 'COUNT',
      }),
    )
  ).Count ?? 0

// Latency: one event at a time, from publish() to the row being readable.
const latencies: number[] = []
for (let i = 0; i < SAMPLES; i++) {
  const user = `lat-${i}`
  const started = performance.now()
  publisher.publish('UserSignedIn', signedIn(user, i))
  while ((await countRows(user)) === 0) await new Promise((r) => setImmediate(r))
  latencies.push(performance.now() - started)
}
latencies.sort((a, b) => a - b)
const q = (p: number) => (latencies[Math.floor(p * (latencies.length - 1))] ?? 0).toFixed(1)

async function waitForRows(user: string, expected: number) {
  while ((await countRows(user)) < expected) await new Promise((r) => setTimeout(r, 50))
}

// Throughput through the bus: publish everything, time until every row is stored.
let started = performance.now()
for (let i = 0; i < EVENTS; i++) publisher.publish('UserSignedIn', signedIn('through-bus', i))
await waitForRows('through-bus', EVENTS)
const viaBus = EVENTS / ((performance.now() - started) / 1000)

// Baseline: the same events posted straight to the consumer, 16 in flight (the bus's concurrency is its own).
started = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < EVENTS) {
      const i = next++
      const res = await fetch(`${consumerUrl}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bus-secret': SECRET },
        body: JSON.stringify({
          version: '0',
          id: `direct-${i}`,
          'detail-type': 'User Signed In',
          source: 'f1.gateway',
          account: '0',
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: signedIn('direct', i),
        }),
      })
      await res.arrayBuffer()
    }
  }),
)
await waitForRows('direct', EVENTS)
const direct = EVENTS / ((performance.now() - started) / 1000)

await publisher.flush()
await bus.close()
service.kill('SIGTERM')
await new Promise((r) => service.once('exit', r))
client.destroy()
await ddb.stop()

console.log(`\nend-to-end latency, publish -> action row readable (${SAMPLES} events one at a time):`)
console.log(`  p50 ${q(0.5)} ms   p90 ${q(0.9)} ms   p99 ${q(0.99)} ms   max ${q(1)} ms`)
console.log(`\ndelivery throughput (${EVENTS} events, each stored as one action row):`)
console.log(`  through SDK -> local bus -> consumer   ${viaBus.toFixed(0).padStart(6)} events/s`)
console.log(`  straight POST /events (16 in flight)   ${direct.toFixed(0).padStart(6)} events/s`)
console.log(`  bus / direct: ${(viaBus / direct).toFixed(2)}x`)
console.log(`  bus stats: ${JSON.stringify(bus.stats())}`)
console.log('(one machine: publisher, bus, consumer and DynamoDB Local share its 2 cores)')
