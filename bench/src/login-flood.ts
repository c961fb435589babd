// bench/login-flood: the gateway's /health latency at rest and during a flood of wrong-password
// logins (300 in flight, from another process), in one run. The flood comes from one address, so
// the main runs raise the per-address and per-email limits (the point is the hashing load); the
// last run keeps the default limits and shows the same flood limited away. The bounded hashing
// (PASSWORD_HASH_CONCURRENCY / PASSWORD_HASH_QUEUE defaults) runs next to an effectively unbounded one.
//   pnpm --filter @f1/bench login-flood [-- --seconds 10 --concurrency 300]
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { resolveTableNames, tableNamesToEnv } from '@f1/tables'
import { closedLoop, type Figures } from './measure.ts'
import { startApp, stopApps } from './stack.ts'
import { serviceTokenEnv } from '@f1/service-kit/testing'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '300' },
      // Internal: this process is the flood (a child of the bench).
      flood: { type: 'string' },
      email: { type: 'string' },
    },
  },
  { program: 'bench login-flood' },
)
const SECONDS = Number(values.seconds)
const CONCURRENCY = Number(values.concurrency)

interface FloodResult {
  figures: Figures
  statuses: Record<string, number>
}

/** The flood itself: `concurrency` workers posting wrong-password logins back to back. */
async function flood(url: string, email: string): Promise<FloodResult> {
  const statuses: Record<string, number> = {}
  const body = JSON.stringify({ email, password: 'not the password' })
  const figures = await closedLoop(
    async () => {
      const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      const code = res.status === 401 ? '401' : `${res.status} ${((await res.json()) as { error?: { code?: string } }).error?.code ?? ''}`
      if (res.status === 401) await res.arrayBuffer()
      statuses[code] = (statuses[code] ?? 0) + 1
      return res.status === 401
    },
    { concurrency: CONCURRENCY, seconds: SECONDS },
  )
  return { figures, statuses }
}

if (values.flood) {
  process.stdout.write(JSON.stringify(await flood(values.flood, values.email ?? 'nobody@example.com')))
  process.exit(0)
}

/** Runs the flood in a child process, so the load generator does not slow the /health prober. */
function floodFromAnotherProcess(url: string, email: string): Promise<FloodResult> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      import.meta.filename,
      '--flood',
      url,
      '--email',
      email,
      '--seconds',
      String(SECONDS),
      '--concurrency',
      String(CONCURRENCY),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d))
  return new Promise((resolve, reject) =>
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as FloodResult) : reject(new Error(`flood exited ${code}`)))),
  )
}

/** A load balancer's health checker: one /health at a time, back to back. */
const probeHealth = (url: string, seconds: number) =>
  closedLoop(
    async () => {
      const res = await fetch(`${url}/health`)
      await res.arrayBuffer()
      return res.status === 200
    },
    { concurrency: 1, seconds },
  )

// Accepts every PutEvents, so the gateway's publisher neither retries nor logs during the runs.
const eventBridge = createServer((req, res) => {
  req.resume()
  req.on('end', () =>
    res.setHeader('content-type', 'application/x-amz-json-1.1').end('{"FailedEntryCount":0,"Entries":[{"EventId":"bench"}]}'),
  )
})
await new Promise<void>((resolve) => eventBridge.listen(0, '127.0.0.1', resolve))

const ddb = await startDynamoDbLocal()
const { client } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
const names = resolveTableNames({}, 'bench-')
await ensureTables(client, names)
client.destroy()
const base = {
  ...serviceTokenEnv(undefined, 'bench-service-token-0123456789'),
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
  DYNAMODB_ENDPOINT: ddb.endpoint,
  EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${(eventBridge.address() as AddressInfo).port}`,
  ...tableNamesToEnv(names),
}
const RAISED = { RATE_LIMIT_LOGIN_PER_ADDRESS: '100000000', RATE_LIMIT_LOGIN_PER_EMAIL: '100000000' }
const RUNS = [
  { label: 'hashing bounded (2 + 64 waiting)', env: RAISED },
  // What the gateway did before the bound: every login hashing at once on the thread pool.
  { label: 'hashing unbounded (before)', env: { ...RAISED, PASSWORD_HASH_CONCURRENCY: '64', PASSWORD_HASH_QUEUE: '10000' } },
  { label: 'default attempt limits', env: {} },
]

const LABEL = 50
const latency = (f: Figures) =>
  `${f.perSecond.toFixed(0).padStart(6)} req/s   p50 ${f.p50ms.toFixed(2).padStart(8)} ms   p99 ${f.p99ms.toFixed(2).padStart(8)} ms`
const lines: string[] = []
let atRest: Figures | undefined
for (const [index, run] of RUNS.entries()) {
  const gateway = await startApp('gateway', { ...base, ...run.env })
  const email = `flood-${index}@example.com`
  await (
    await fetch(`${gateway.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'the real password', name: 'Flood Target' }),
    })
  ).arrayBuffer()
  // Warm up the JIT and the connection before measuring.
  await probeHealth(gateway.url, 2)
  if (!atRest) {
    atRest = await probeHealth(gateway.url, SECONDS)
    lines.push(`${'/health, at rest'.padEnd(LABEL)} ${latency(atRest)}`)
  }
  const [health, logins] = await Promise.all([probeHealth(gateway.url, SECONDS), floodFromAnotherProcess(gateway.url, email)])
  lines.push(`${`/health, flood, ${run.label}`.padEnd(LABEL)} ${latency(health)}`)
  const answers = Object.entries(logins.statuses)
    .sort(([, a], [, b]) => b - a)
    .map(([status, n]) => `${status} x${n}`)
    .join(', ')
  lines.push(`${'  logins of that flood'.padEnd(LABEL)} ${latency(logins.figures)}   ${answers}`)
  await stopApps([gateway])
}
await ddb.stop()
eventBridge.close()

console.log(
  `\n/health probed one at a time while ${CONCURRENCY} wrong-password logins stay in flight from another process; ${SECONDS} s per run`,
)
for (const line of lines) console.log(line)
console.log('(one machine: the load generator, the gateway and DynamoDB Local share its 2 cores)')
