// bench/system (`pnpm bench`): the hot paths of the whole stack, each next to its baseline measured
// in the same run, in one table with the goals; then what each gateway route costs downstream
// (DynamoDB calls and service hops, counted by proxies in front of DynamoDB Local and every
// service) and each app's RSS at rest and under load.
//   pnpm bench [-- --help]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { urlVar, type ServiceName } from '@f1/contracts/services'
import { BENCH_SUMMARY_FILE_VAR, benchTable, readBenchRows, type BenchRow } from '@f1/local-stack/bench-summary'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { parseCliArgsOrExit, pathFromInvocation } from '@f1/service-kit/cli-args'
import { signWebhook, subscriptionEvent } from '@f1/subscription-service/testing'
import { resolveTableNames, tableNamesToEnv } from '@f1/tables'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts'
import { LoadClient, type Hit } from './http-load.ts'
import { BENCH_LIMIT, rawConsumeUpdate } from './raw-update.ts'
import { closedLoop, type Figures } from './measure.ts'
import { REPO_ROOT, startApp, stopApps, type RunningApp } from './stack.ts'
import { serviceTokenEnv } from '@f1/service-kit/testing'

const USAGE = `Usage: pnpm bench [-- options]

Every hot path of the stack next to its baseline from the same run, in one table with the goals;
the DynamoDB calls and service hops of each gateway route; CPU per request by process; RSS.

  --seconds N          measured seconds per path (default 5)
  --concurrency N      requests in flight (default 16)
  --users N            team-plan users the load is spread over (default 8; simulation-service admits 4
                       requests per user at once, so fewer users than concurrency/4 turn simulations into 503s)
  --skip-others        only this stack's paths, not the event-delivery and backfill benches
  --profile APPS       V8 CPU profiles of these apps (comma-separated, e.g. gateway,usage-service)
  --profile-dir DIR    where the profiles go (default ./profiles)
  --help               this text
`
const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '16' },
      users: { type: 'string', default: '8' },
      'skip-others': { type: 'boolean', default: false },
      profile: { type: 'string' },
      'profile-dir': { type: 'string', default: 'profiles' },
      help: { type: 'boolean', default: false },
    },
  },
  { program: 'pnpm bench', usage: USAGE },
)
if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
const SECONDS = Number(values.seconds)
const CONCURRENCY = Number(values.concurrency)
const USERS = Number(values.users)
const WARM_SECONDS = 2
const COUNTED_REQUESTS = 20
const BACKFILL_SIZES = [3_000, 12_000]

const SERVICE_TOKEN = 'bench-service-token-0123456789'
const secrets = {
  ...serviceTokenEnv(undefined, SERVICE_TOKEN),
  STRIPE_WEBHOOK_SECRET: 'whsec_bench_0123456789',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
}
const serviceAuth = { 'x-service-token': SERVICE_TOKEN }

const ddb = await startDynamoDbLocal()
const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
const names = resolveTableNames({}, 'bench-')
await ensureTables(client, names)
const load = new LoadClient()
console.log(`DynamoDB Local ${ddb.endpoint}; ${CONCURRENCY} in flight; ${SECONDS} s per path after ${WARM_SECONDS} s of warm-up\n`)

// --- Baseline: the conditional UpdateItem usage-service sends, straight to DynamoDB Local. ---
const rawUpdate = rawConsumeUpdate(doc, names.usage, 200)
// DynamoDB Local's JIT warms up first, so no measured run pays for it.
await closedLoop(rawUpdate, { concurrency: CONCURRENCY, seconds: 5 })
// The baseline is measured again next to each path it is compared with, and the best run counts:
// a slow baseline run (a JIT or GC pause in the database) would flatter every ratio.
const rawRuns: Figures[] = [await closedLoop(rawUpdate, { concurrency: CONCURRENCY, seconds: SECONDS })]

// --- The stack: four services and the gateway, as processes, logging at info like production. ---
interface Stack {
  usage: RunningApp
  subscriptions: RunningApp
  simulations: RunningApp
  gateway: RunningApp
  apps: RunningApp[]
}

/** `dynamoFor(app)` is the DynamoDB endpoint an app is given, `urlOf(app)` the URL others call it at. */
async function startStack(
  dynamoFor: (app: string) => string,
  urlOf: (app: RunningApp) => Promise<string>,
  profiled: string[] = [],
): Promise<Stack> {
  const common = { ...secrets, EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9', ...tableNamesToEnv(names) }
  const profileDir = pathFromInvocation(values['profile-dir'])
  const options = (app: string) => ({
    logLevel: 'info',
    showLogs: false,
    ...(profiled.includes(app) ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  })
  const start = (app: ServiceName, extra: Record<string, string> = {}) =>
    startApp(app, { ...common, DYNAMODB_ENDPOINT: dynamoFor(app), ...extra }, options(app))
  const usage = await start('usage-service')
  const usageUrl = await urlOf(usage)
  const subscriptions = await start('subscription-service')
  const simulations = await start('simulation-service', { [urlVar('usage-service')]: usageUrl })
  const gateway = await start('gateway', {
    [urlVar('usage-service')]: usageUrl,
    [urlVar('subscription-service')]: await urlOf(subscriptions),
    [urlVar('simulation-service')]: await urlOf(simulations),
  })
  return { usage, subscriptions, simulations, gateway, apps: [gateway, simulations, subscriptions, usage] }
}

interface BenchUser {
  userId: string
  auth: Record<string, string>
}

/** Registers `count` users on the team plan (a signed Stripe webhook), so the bench measures work, not 429s. */
async function teamUsers(gateway: string, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = []
  for (let i = 0; i < count; i++) {
    const { user_id: userId, token } = await load.json<{ user_id: string; token: string }>(gateway, {
      method: 'POST',
      path: '/api/auth/register',
      body: JSON.stringify({ email: `bench-${i}@example.com`, password: 'bench-password', name: `Bench ${i}` }),
    })
    const { payload, signature } = signWebhook(
      subscriptionEvent({ type: 'customer.subscription.updated', userId, priceId: 'price_dev_team' }),
      secrets.STRIPE_WEBHOOK_SECRET,
    )
    await load.json(gateway, { method: 'POST', path: '/api/stripe/webhook', headers: { 'stripe-signature': signature }, body: payload })
    users.push({ userId, auth: { authorization: `Bearer ${token}` } })
  }
  return users
}

const stints = [
  { start_lap: 0, compound: 'A4', tire_age: 2 },
  { start_lap: 22, compound: 'A3', tire_age: 0 },
  { start_lap: 36, compound: 'A4', tire_age: 0 },
]
const raceBody = JSON.stringify({ track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'race', strategy: { stints } })

interface Path {
  label: string
  origin: (stack: Stack) => string
  hit: (user: BenchUser) => Hit
  ok: number
}

const gatewayPaths: Path[] = [
  {
    label: 'gateway GET /api/users/usage',
    origin: (s) => s.gateway.url,
    hit: (u) => ({ path: '/api/users/usage', headers: u.auth }),
    ok: 200,
  },
  { label: 'gateway GET /api/users/me', origin: (s) => s.gateway.url, hit: (u) => ({ path: '/api/users/me', headers: u.auth }), ok: 200 },
  {
    label: 'gateway POST /api/simulations (race)',
    origin: (s) => s.gateway.url,
    hit: (u) => ({ method: 'POST', path: '/api/simulations', headers: u.auth, body: raceBody }),
    ok: 201,
  },
]
const directSimulation: Path = {
  label: 'simulation-service POST (race), direct',
  origin: (s) => s.simulations.url,
  hit: (u) => ({ method: 'POST', path: `/users/${u.userId}/simulations`, headers: serviceAuth, body: raceBody }),
  ok: 201,
}
const consume: Path = {
  label: 'usage-service POST consume, direct',
  origin: (s) => s.usage.url,
  hit: (u) => ({
    method: 'POST',
    path: `/users/${u.userId}/usage/consume`,
    headers: serviceAuth,
    body: JSON.stringify({ feature: 'api_request', limit: BENCH_LIMIT }),
  }),
  ok: 200,
}
const health: Path = { label: 'gateway GET /health', origin: (s) => s.gateway.url, hit: () => ({ path: '/health' }), ok: 200 }

// --- Counting: the same stack with a proxy in front of each app's DynamoDB and each service. ---
const dynamoProxies = new Map<string, CountingProxy>()
const serviceProxies = new Map<string, CountingProxy>()
for (const app of ['gateway', 'usage-service', 'subscription-service', 'simulation-service']) {
  dynamoProxies.set(app, await startCountingProxy(ddb.endpoint))
}
const counted = await startStack(
  (app) => dynamoProxies.get(app)!.url,
  async (app) => {
    const proxy = await startCountingProxy(app.url)
    serviceProxies.set(app.name, proxy)
    return proxy.url
  },
)
const users = await teamUsers(counted.gateway.url, USERS)
const costs: string[] = []
for (const path of gatewayPaths) {
  const user = users[0]!
  // Twice first: the plan cache is warm, as it is for a user who is active.
  for (let i = 0; i < 2; i++) await load.status(path.origin(counted), path.hit(user))
  for (const proxy of [...dynamoProxies.values(), ...serviceProxies.values()]) proxy.reset()
  for (let i = 0; i < COUNTED_REQUESTS; i++) {
    const status = await load.status(path.origin(counted), path.hit(user))
    if (status !== path.ok) throw new Error(`${path.label} answered ${status} while counting`)
  }
  const per = (n: number) => (n / COUNTED_REQUESTS).toFixed(2).replace(/\.00$/, '')
  const dynamo = [...dynamoProxies].flatMap(([app, proxy]) => {
    const ops = Object.entries(proxy.counts())
    return ops.length ? [`${app}: ${ops.map(([op, n]) => `${per(n)} ${op}`).join(' + ')}`] : []
  })
  const hops = [...serviceProxies].flatMap(([app, proxy]) => {
    const total = Object.values(proxy.counts()).reduce((a, b) => a + b, 0)
    return total ? [`${per(total)} to ${app}`] : []
  })
  costs.push(
    `${path.label.padEnd(40)} DynamoDB calls: ${dynamo.join('; ') || 'none'}\n${''.padEnd(40)} service hops: ${hops.join(', ') || 'none'}`,
  )
}
await stopApps(counted.apps)
for (const proxy of [...dynamoProxies.values(), ...serviceProxies.values()]) await proxy.close()

// --- Measuring: the stack with nothing in between. ---
const profiled = values.profile?.split(',') ?? []
const stack = await startStack(
  () => ddb.endpoint,
  async (app) => app.url,
  profiled,
)
const rssOf = (app: RunningApp) => {
  const status = readFileSync(`/proc/${app.process.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}
await new Promise((r) => setTimeout(r, 2_000))
const rssAtRest = new Map(stack.apps.map((app) => [app.name, rssOf(app)]))
const rssPeak = new Map(rssAtRest)
const sampler = setInterval(() => {
  for (const app of stack.apps) rssPeak.set(app.name, Math.max(rssPeak.get(app.name)!, rssOf(app)))
}, 250)

/** CPU seconds a process has used so far (user + system, from /proc; the kernel counts in 1/100 s). */
const cpuOf = (pid: number | undefined) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const processes = [
  ...stack.apps.map((app) => ({ name: app.name, pid: app.process.pid })),
  { name: 'DynamoDB Local', pid: ddb.process.pid },
  { name: 'load generator', pid: process.pid },
]
/** Answers other than the path's success status, by path and status (warm-up included). */
const unexpected = new Map<string, number>()
/** Where each path's CPU went: ms per request by process. */
const cpuPerRequest = new Map<string, string>()

async function measure(path: Path): Promise<Figures> {
  const op = async (i: number) => {
    const status = await load.status(path.origin(stack), path.hit(users[i % users.length]!))
    if (status !== path.ok) unexpected.set(`${path.label} ${status}`, (unexpected.get(`${path.label} ${status}`) ?? 0) + 1)
    return status === path.ok
  }
  await closedLoop(op, { concurrency: CONCURRENCY, seconds: WARM_SECONDS })
  const before = processes.map((p) => cpuOf(p.pid))
  const figures = await closedLoop(op, { concurrency: CONCURRENCY, seconds: SECONDS })
  const used = processes.map((p, i) => ({ name: p.name, ms: ((cpuOf(p.pid) - before[i]!) * 1000) / figures.ops }))
  cpuPerRequest.set(
    path.label,
    used
      .filter((u) => u.ms >= 0.05)
      .map((u) => `${u.name} ${u.ms.toFixed(2)}`)
      .join(', '),
  )
  return figures
}
const besideRaw = async (path: Path) => {
  const figures = await measure(path)
  rawRuns.push(await closedLoop(rawUpdate, { concurrency: CONCURRENCY, seconds: SECONDS }))
  return figures
}
const usageRoute = await besideRaw(gatewayPaths[0]!)
const meRoute = await besideRaw(gatewayPaths[1]!)
const consumed = await besideRaw(consume)
const simulationRoute = await measure(gatewayPaths[2]!)
const direct = await measure(directSimulation)
const healthy = await measure(health)
clearInterval(sampler)
await stopApps(stack.apps)
await load.close()
client.destroy()
await ddb.stop()

// --- The other paths, each a bench of its own with its own baseline, reporting rows to this table. ---
const summaryFile = join(mkdtempSync(join(tmpdir(), 'f1-bench-')), 'rows.jsonl')
function runBench(cwd: string, script: string, args: string[]): Promise<void> {
  console.log(`\n--- ${script} ${args.join(' ')}`)
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: join(REPO_ROOT, cwd),
    env: { ...process.env, [BENCH_SUMMARY_FILE_VAR]: summaryFile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`)))),
  )
}
if (!values['skip-others']) {
  await runBench('bench', 'src/events.ts', ['--events', '800', '--latency-samples', '80'])
  // Two sizes, so the table shows whether the backfill's memory grows with the item count.
  for (const items of BACKFILL_SIZES) await runBench('apps/migrator', 'bench/backfill.ts', ['--items', String(items)])
}

// --- The table. ---
const raw = rawRuns.reduce((best, run) => (run.perSecond > best.perSecond ? run : best))
const rawBaseline = { label: 'raw UpdateItem', figures: raw }
const rows: BenchRow[] = [
  {
    label: 'raw conditional UpdateItem',
    figures: raw,
    note: `best of ${rawRuns.length}: ${rawRuns.map((r) => r.perSecond.toFixed(0)).join(', ')} ops/s`,
  },
  { label: consume.label, figures: consumed, baseline: rawBaseline, goal: 0.8 },
  { label: gatewayPaths[0]!.label, figures: usageRoute, baseline: rawBaseline, goal: 0.5, p99Goal: 3 },
  { label: gatewayPaths[1]!.label, figures: meRoute, baseline: rawBaseline, goal: 0.4 },
  { label: directSimulation.label, figures: direct },
  { label: gatewayPaths[2]!.label, figures: simulationRoute, baseline: { label: 'direct simulation', figures: direct }, goal: 0.5 },
  { label: health.label, figures: healthy },
  ...readBenchRows(summaryFile),
]
console.log(`\n${benchTable(rows)}`)
console.log(`\nWhat one request costs downstream (mean of ${COUNTED_REQUESTS}, plan cache warm):`)
for (const line of costs) console.log(line)
if (unexpected.size)
  console.log(`\nOther answers than the expected status: ${[...unexpected].map(([what, n]) => `${what} x${n}`).join(', ')}`)
console.log('\nCPU ms per request, by process:')
for (const [label, line] of cpuPerRequest) console.log(`${label.padEnd(40)} ${line}`)
console.log('\nRSS (MiB): at rest -> peak under load')
for (const app of stack.apps)
  console.log(`${app.name.padEnd(22)} ${rssAtRest.get(app.name)!.toFixed(0).padStart(5)} -> ${rssPeak.get(app.name)!.toFixed(0)}`)
if (profiled.length)
  console.log(`\nCPU profiles of ${profiled.join(', ')} in ${pathFromInvocation(values['profile-dir'])} (open in Chrome DevTools)`)
console.log('(one machine: the load generator, every app and DynamoDB Local share its 2 cores)')
