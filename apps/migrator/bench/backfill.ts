// bench/backfill: backfill throughput for N generated legacy items (default 100k) next to a raw
// BatchWriteItem loop writing the same items into the same DynamoDB Local in the same run, and the
// backfill's peak RSS. Starts its own DynamoDB Local. Never a pass/fail test.
//   pnpm --filter @f1/migrator bench [-- --items 100000 --segments 4 --concurrency 32 --batch-size 1]
import { availableParallelism, cpus } from 'node:os'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb'
import { generateLegacyData, type LegacyItem } from '@f1/legacy/generator'
import { reportBenchRow } from '@f1/local-stack/bench-summary'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { resolveTableNames, tableNamesToEnv } from '@f1/tables'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { DEFAULT_SEGMENTS, loadMigratorJobConfig } from '../src/config.ts'
import { Pacer } from '../src/lib/pacer.ts'
import { startBackfill } from '../src/migration/backfill.ts'
import { migrationSetupOf } from '../src/migration/setup.ts'
import { createLegacyRepository } from '../src/repositories/legacy.ts'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      items: { type: 'string', default: '100000' },
      segments: { type: 'string', default: String(DEFAULT_SEGMENTS) },
      concurrency: { type: 'string', default: '32' },
      'batch-size': { type: 'string', default: '1' },
      seed: { type: 'string', default: 'bench' },
    },
  },
  { program: 'migrator bench' },
)
const ITEMS = Number(values.items)
const SEGMENTS = Number(values.segments)
const CONCURRENCY = Number(values.concurrency)
const BATCH = Number(values['batch-size'])
const MiB = 1024 * 1024

const num = (n: number) => Math.round(n).toLocaleString('en-US')

/** Exactly `count` generated legacy items, lazily (users are generated until there are enough). */
function* legacyItems(count: number): Generator<LegacyItem> {
  let n = 0
  for (const item of generateLegacyData({ users: count, seed: values.seed })) {
    if (n++ >= count) return
    yield item
  }
}

/** The raw baseline: BatchWriteItem, 25 items a request, CONCURRENCY requests in flight, unprocessed items retried. */
async function rawBatchLoop(
  doc: ReturnType<typeof createDynamoClients>['doc'],
  table: string,
  items: Iterable<LegacyItem>,
): Promise<number> {
  let written = 0
  const inFlight = new Set<Promise<void>>()
  const send = async (batch: LegacyItem[]) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }))
    while (requests.length > 0) {
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }))
      requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests
    }
    written += batch.length
  }
  let batch: LegacyItem[] = []
  for (const item of items) {
    batch.push(item)
    if (batch.length < 25) continue
    const p = send(batch).finally(() => inFlight.delete(p))
    inFlight.add(p)
    batch = []
    if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight)
  }
  if (batch.length > 0) await send(batch)
  await Promise.all(inFlight)
  return written
}

const ddb = await startDynamoDbLocal()
const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint, maxAttempts: 1, requestTimeoutMs: 30_000 })
try {
  const names = resolveTableNames({}, 'bench-')
  await ensureTables(client, names)
  await ensureTables(client, { legacy: 'bench-raw-batch' })
  console.log(
    `DynamoDB Local ${ddb.endpoint}; Node ${process.version}; ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'})\n` +
      `${num(ITEMS)} legacy items; backfill: ${SEGMENTS} segments, ${CONCURRENCY} writes in flight, ${BATCH === 1 ? 'single conditional PutItem' : `${BATCH} per TransactWriteItems`}\n`,
  )

  // 1. generate: the legacy table filled through the migrator's own BatchWriteItem path (warms the JVM up too).
  const legacy = createLegacyRepository({ doc, client, tableName: names.legacy, readPacer: new Pacer({ concurrency: CONCURRENCY }) })
  let t0 = performance.now()
  let generated = 0
  let chunk: LegacyItem[] = []
  for (const item of legacyItems(ITEMS)) {
    chunk.push(item)
    if (chunk.length === 1000) {
      await Promise.all(Array.from({ length: 40 }, (_, i) => legacy.putGeneratedItems(chunk.slice(i * 25, i * 25 + 25))))
      generated += chunk.length
      chunk = []
    }
  }
  if (chunk.length > 0) await legacy.putGeneratedItems(chunk)
  generated += chunk.length
  const generateS = (performance.now() - t0) / 1000

  // 2. the baseline: the same items, raw BatchWriteItem into another table of the same database.
  t0 = performance.now()
  const rawWritten = await rawBatchLoop(doc, 'bench-raw-batch', legacyItems(ITEMS))
  const rawS = (performance.now() - t0) / 1000

  // 3. the backfill, in this process, its RSS sampled every 50 ms.
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  let peak = rssBefore
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  t0 = performance.now()
  const cpuBefore = process.cpuUsage()
  const handle = await startBackfill(
    {
      clients: { client, doc },
      // Wired as the CLI and the service are, from the default config over the bench's tables.
      ...migrationSetupOf(loadMigratorJobConfig({ env: tableNamesToEnv(names) })).deps,
      log: { info() {}, warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) },
    },
    { dryRun: false, segments: SEGMENTS, rate: null, pageSize: 250, batchSize: BATCH, concurrency: CONCURRENCY, source: 'cli' },
  )
  const ticker = setInterval(() => {
    const p = handle.progress()
    if (process.stderr.isTTY)
      process.stderr.write(`\r  backfill: ${num(p.read)} read, ${num(p.written)} written, ${num(p.items_per_s)} items/s   `)
  }, 1000)
  const report = await handle.done
  clearInterval(ticker)
  clearInterval(sampler)
  process.stderr.write('\n')
  const backfillS = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const cpuS = (cpu.user + cpu.system) / 1e6
  const rows = report.totals.written + report.totals.merged

  const line = (label: string, count: string, seconds: number, perS: number, note: string) =>
    console.log(`${label.padEnd(10)} ${count.padStart(28)} ${seconds.toFixed(1).padStart(7)} s ${num(perS).padStart(8)} items/s  ${note}`)
  console.log('')
  line('generate', `${num(generated)} items`, generateS, generated / generateS, 'BatchWriteItem via the migrator (generator included)')
  line(
    'raw',
    `${num(rawWritten)} items`,
    rawS,
    rawWritten / rawS,
    `BatchWriteItem loop, 25 a request, ${CONCURRENCY} in flight, no conditions`,
  )
  line(
    'backfill',
    `${num(report.totals.read)} read, ${num(rows)} rows`,
    backfillS,
    report.totals.read / backfillS,
    `Scan + transform + conditional writes to 4 tables + checkpoints (${num(rows / backfillS)} rows/s)`,
  )
  console.log(
    `\nbackfill / raw BatchWriteItem: ${(report.totals.read / backfillS / (rawWritten / rawS)).toFixed(2)} (items read per second vs items written per second)` +
      `\nbackfill peak RSS: ${(peak / MiB).toFixed(0)} MiB (process at ${(rssBefore / MiB).toFixed(0)} MiB before it; +${((peak - rssBefore) / MiB).toFixed(0)} MiB)` +
      `\nbackfill CPU in this process: ${cpuS.toFixed(1)} s over ${backfillS.toFixed(1)} s (${Math.round((100 * cpuS) / backfillS)}% of one core; the rest is DynamoDB Local)` +
      `\nreport: status ${report.status}, rejected ${num(report.totals.rejected)}, skipped ${num(report.totals.skipped)}, throttled ${report.totals.throttled}`,
  )
  reportBenchRow({
    label: `backfill, ${num(ITEMS)} items`,
    figures: { perSecond: report.totals.read / backfillS },
    baseline: { label: 'raw BatchWriteItem', figures: { perSecond: rawWritten / rawS } },
    goal: 0.7,
    note: `peak RSS +${((peak - rssBefore) / MiB).toFixed(0)} MiB`,
  })
} finally {
  client.destroy()
  await ddb.stop()
}
