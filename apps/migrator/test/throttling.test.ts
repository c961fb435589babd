import { request as httpRequest, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { TARGET_TABLES } from '@f1/legacy/result'
import { backfill, clientsFor, generate, usageTotal, useMigrationTables, verify } from './helper.ts'

/**
 * A proxy in front of DynamoDB Local that answers some requests as a throttled DynamoDB does
 * (HTTP 400, ProvisionedThroughputExceededException or ThrottlingException) and forwards the rest.
 */
async function throttlingProxy(
  t: { teardown(fn: () => unknown): void },
  upstream: string,
  throttle: (target: string, n: number) => boolean,
) {
  const target = new URL(upstream)
  const seen = new Map<string, number>()
  let throttled = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? ''
      const n = (seen.get(op) ?? 0) + 1
      seen.set(op, n)
      if (throttle(op, n)) {
        throttled += 1
        const type = op === 'Scan' ? 'ThrottlingException' : 'ProvisionedThroughputExceededException'
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `throttled-${throttled}` })
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'Rate exceeded' }))
        return
      }
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers)
          upstreamRes.pipe(res)
        },
      )
      forward.on('error', () => res.destroy())
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, throttled: () => throttled }
}

t.test('a throttled DynamoDB slows the backfill down and it still completes with exact results', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 60, 'throttled')
  // Like provisioned capacity running short: one of every four write requests is refused until 15
  // have been (by count, not by time, so a slow machine meets exactly as much throttling); so is
  // every fourth of the first Scan pages.
  let writes = 0
  let refusedWrites = 0
  const proxy = await throttlingProxy(t, tables.endpoint, (op, n) => {
    if (op === 'Scan') return n % 4 === 0 && n < 20
    if (!['TransactWriteItems', 'PutItem', 'UpdateItem', 'BatchWriteItem'].includes(op)) return false
    writes += 1
    if (refusedWrites >= 15 || writes % 4 !== 0) return false
    refusedWrites += 1
    return true
  })
  const clients = clientsFor(proxy.url)
  t.teardown(() => clients.client.destroy())

  const report = await backfill(tables, { segments: 2, batchSize: 10 }, { clients })

  t.equal(report.status, 'completed', 'it never crashes on throttling')
  t.ok(proxy.throttled() > 10, `throttled ${proxy.throttled()} times`)
  // All of them but those answered after the report was made (recording the run's end).
  t.ok(report.totals.throttled > 10 && report.totals.throttled <= proxy.throttled(), 'the report counts the throttling it met')
  for (const table of TARGET_TABLES) t.equal(report.tables[table].written, tally.expected.rows[table], `${table}: rows written once`)
  t.equal(await usageTotal(tables), tally.expected.usageCount, 'usage totals exact')
  t.strictSame((await verify(tables)).differences, [])
})

t.test('--rate caps the writes per second', async (t) => {
  const tables = await useMigrationTables(t)
  const tally = await generate(tables, 25, 'rate')
  const mapped = Object.values(tally.expected.mapped).reduce((a, b) => a + b, 0)
  const rate = 100
  const started = performance.now()
  const report = await backfill(tables, { rate, batchSize: 5 })
  const seconds = (performance.now() - started) / 1000
  t.equal(report.status, 'completed')
  t.ok(seconds >= (0.8 * mapped) / rate, `${mapped} writes at ${rate}/s took ${seconds.toFixed(1)} s`)
})
