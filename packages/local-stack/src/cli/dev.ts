// `f1-local dev`: the whole stack on this machine, in the foreground, until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { resolveTableNames, tableNamesToEnv } from '@f1/tables'
import { RULES } from '@f1/events/rules'
import { APPS, DYNAMODB_LOCAL_PORT, type AppEntry } from '../apps.ts'
import { DEFAULT_BUS_PORT, jsonLineLogger, startLocalBus, type LocalBus } from '../bus/server.ts'
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb.ts'
import { formatLogLine } from '../log-format.ts'
import {
  DEV_STRIPE_PRICES,
  DEV_STRIPE_WEBHOOK_SECRET,
  planPrices,
  startStripeDouble,
  STRIPE_DOUBLE_PORT,
  STRIPE_DOUBLE_SECRET_KEY,
  type StripeDouble,
} from '../stripe/double.ts'
import { repoRoot } from './paths.ts'
import { defaultTracesFile } from './traces-cmd.ts'
import { onShutdownSignal } from './signals.ts'
import { stopChild, Supervised } from './supervisor.ts'
import { ADMIN_USER, DEMO_USER, GRANT_ADMIN_COMMAND, LEGACY_DEMO_USERS, grantAdmin, seedLegacyData, seedUser } from './seed.ts'

const COLORS = [36, 33, 35, 32, 34, 31]
const RELAY_COMMAND = 'pnpm exec f1-local relay'
const useColor = process.stdout.isTTY

function prefixer(name: string, index: number) {
  const label = name.padEnd(20)
  return (line: string) => {
    const tag = useColor ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m` : label
    process.stdout.write(`${tag} ${formatLogLine(line)}\n`)
  }
}

/** The file an app runs: its package.json `main` (undefined for a folder that is not an app). */
function appEntry(root: string, app: AppEntry): string | undefined {
  const manifest = join(root, app.dir, 'package.json')
  if (!existsSync(manifest)) return undefined
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string }).main
}

/** What a change restarts an app for: its own sources and those of every shared package (not the dev tooling's). */
function watchedFolders(root: string, app: AppEntry): string[] {
  const packages = readdirSync(join(root, 'packages'))
    .filter((name) => name !== 'local-stack')
    .map((name) => join(root, 'packages', name, 'src'))
  return [join(root, app.dir, 'src'), ...packages].filter((dir) => existsSync(dir))
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`)
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1_000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s`)
}

const RELAY_START_TIMEOUT_MS = 30_000

/**
 * `f1-local relay` as a process of its own, so that it can be killed and started again alone, as an
 * app can; resolves once it reads the streams. Its checkpoints are in <repo>/.local/relay.
 */
async function startRelayProcess(root: string, env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'packages', 'local-stack', 'bin', 'f1-local.mjs'), 'relay'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  createInterface({ input: child.stderr }).on('line', print)
  const lines = createInterface({ input: child.stdout })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not started after ${RELAY_START_TIMEOUT_MS / 1000} s`)), RELAY_START_TIMEOUT_MS)
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer)
      reject(new Error(`exited (${signal ?? `code ${code}`}) before it started`))
    }
    child.once('exit', exited)
    lines.on('line', (line) => {
      print(line)
      if (line.includes('"msg":"relay started"')) {
        clearTimeout(timer)
        child.off('exit', exited)
        resolve()
      }
    })
  })
  return child
}

const WEB_CONSOLE_PORT = 5173

/** The web console's dev server (apps/web), supervised like an app; undefined when it did not start. */
async function startConsole(
  root: string,
  env: NodeJS.ProcessEnv,
  index: number,
): Promise<{ url: string; supervised?: Supervised } | undefined> {
  const print = prefixer('web', index)
  const dir = join(root, 'apps', 'web')
  const vite = join(dir, 'node_modules', 'vite', 'bin', 'vite.js')
  if (!existsSync(vite)) {
    print('apps/web is not installed (pnpm install); the stack runs without the console')
    return { url: 'not started (apps/web is not installed)' }
  }
  const port = Number(env.WEB_PORT ?? WEB_CONSOLE_PORT)
  const url = `http://127.0.0.1:${port}`
  const supervised = new Supervised({
    args: [vite, '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--clearScreen', 'false'],
    cwd: dir,
    env: { ...env, WEB_PORT: String(port) },
    print,
    ready: async (child) => {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} (is port ${port} taken? WEB_PORT=N picks another)`)
        try {
          if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok) return
        } catch {
          // not listening yet
        }
        await sleep(200)
      }
      throw new Error('not serving after 60 s')
    },
  })
  try {
    await supervised.start()
  } catch (err) {
    print(`did not start: ${(err as Error).message}`)
    return undefined
  }
  print(`serving ${url}; /api goes to ${env.GATEWAY_URL}`)
  return { url, supervised }
}

export async function runDev(options: { dataDir?: string | undefined }): Promise<number> {
  const root = repoRoot()
  const children: Array<{ app: AppEntry; supervised: Supervised }> = []
  let webConsole: Supervised | undefined
  let ddb: DynamoDbLocal | undefined
  let bus: LocalBus | undefined
  let relay: ChildProcess | undefined
  let stripe: StripeDouble | undefined
  let stopping = false

  const stopAll = async () => {
    stopping = true
    await Promise.all([...children.map(({ supervised }) => supervised.stop()), webConsole?.stop()])
    // After the apps, which may write outbox items until they exit; the relay finishes its batch in
    // flight and writes its checkpoint; what it did not send waits in the streams for the next run.
    if (relay) await stopChild(relay)
    await stripe?.close()
    await bus?.close()
    await ddb?.stop()
  }
  onShutdownSignal(async () => {
    console.log('\nStopping the stack...')
    await stopAll()
  })

  const log = prefixer('local-stack', 5)
  let endpoint = process.env.DYNAMODB_ENDPOINT
  if (endpoint) log(`Using the DynamoDB at ${endpoint} (DYNAMODB_ENDPOINT is set)`)
  else {
    ddb = await startDynamoDbLocal({ port: DYNAMODB_LOCAL_PORT, dataDir: options.dataDir })
    endpoint = ddb.endpoint
    log(`DynamoDB Local on ${endpoint} (${options.dataDir ? `data in ${options.dataDir}` : 'in memory; --data-dir DIR keeps it'})`)
    ddb.process.once('exit', () => {
      if (!stopping) {
        log('DynamoDB Local stopped unexpectedly; stopping the stack')
        void stopAll().then(() => process.exit(1))
      }
    })
  }
  const names = resolveTableNames(process.env)
  const { client } = createDynamoClients({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint })
  const created = await ensureTables(client, names)
  client.destroy()
  log(
    `Tables: ${Object.entries(created)
      .map(([n, s]) => `${n} (${s})`)
      .join(', ')}`,
  )
  if (created[names.legacy] === 'created') {
    // A fresh legacy table gets realistic legacy data (every defect in docs/legacy-data.md) to migrate.
    await seedLegacyData({ ...process.env, DYNAMODB_ENDPOINT: endpoint, ...tableNamesToEnv(names) }, log)
  }

  const present = APPS.flatMap((app) => {
    const entry = appEntry(root, app)
    return entry ? [{ app, entry }] : []
  })
  const ports = (app: AppEntry) => Number(process.env[app.portVar] ?? app.port)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STAGE: process.env.STAGE ?? 'local',
    DYNAMODB_ENDPOINT: endpoint,
    // One secret for every app of this run, so tokens survive an app restart within it.
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...tableNamesToEnv(names),
  }
  // Every app appends its spans to one file, fresh for each run: `f1-local traces` reads it.
  env.OTEL_TRACES_EXPORTER ??= 'file'
  if (env.OTEL_TRACES_EXPORTER === 'file') {
    env.TRACES_FILE ??= defaultTracesFile()
    mkdirSync(dirname(env.TRACES_FILE), { recursive: true })
    writeFileSync(env.TRACES_FILE, '')
    log(`Traces: ${env.TRACES_FILE} (\`pnpm exec f1-local traces\` lists them; a log line's trace_id shows one)`)
  }
  for (const app of APPS) {
    env[app.portVar] = String(ports(app))
    env[app.urlVar] ??= `http://127.0.0.1:${ports(app)}`
  }

  // The local EventBridge: same rules as AWS, but only towards the consumers this stack runs, each
  // putting the events on its target's queue (SQS, served by the bus in this process's memory).
  env.EVENT_BUS_NAME ??= 'f1-events-dev'
  const running = new Set<string>(present.map(({ app }) => app.name))
  bus = await startLocalBus({
    env,
    port: Number(env.EVENT_BUS_PORT ?? DEFAULT_BUS_PORT),
    rules: RULES.filter((rule) => running.has(rule.target)),
    logger: jsonLineLogger(prefixer('event-bus', 4)),
  })
  env.EVENTBRIDGE_ENDPOINT = bus.url
  log(
    `Event bus on ${bus.url}; the consumers' queues on ${bus.sqsEndpoint} (in memory: they go with the stack); dead letters in ${bus.deadLetters.file}`,
  )
  const eventBus = bus
  /** A consumer reads its own event queue, simulation-service its job queue (bus.queueEnv); other apps none. */
  const envOf = (app: AppEntry): NodeJS.ProcessEnv => ({ ...env, ...eventBus.queueEnv(app.name) })

  // Stripe in test mode, locally: subscription-service's checkout and cancel call the double, whose
  // checkout page's Pay sends the webhooks Stripe would send to the gateway, signed with the secret
  // subscription-service checks. A STRIPE_SECRET_KEY of your own leaves Stripe to you.
  env.STRIPE_WEBHOOK_SECRET ??= DEV_STRIPE_WEBHOOK_SECRET
  env.STRIPE_PRICE_PRO ??= DEV_STRIPE_PRICES.pro
  env.STRIPE_PRICE_TEAM ??= DEV_STRIPE_PRICES.team
  const printStripe = prefixer('stripe-double', 3)
  if (process.env.STRIPE_SECRET_KEY) log('STRIPE_SECRET_KEY is set: subscription-service calls that Stripe; no local Stripe double')
  else {
    const stripePort = Number(env.STRIPE_DOUBLE_PORT ?? STRIPE_DOUBLE_PORT)
    try {
      stripe = await startStripeDouble({
        port: stripePort,
        webhookUrl: `${env.GATEWAY_URL}/api/stripe/webhook`,
        webhookSecret: env.STRIPE_WEBHOOK_SECRET,
        prices: planPrices({ pro: env.STRIPE_PRICE_PRO, team: env.STRIPE_PRICE_TEAM }),
        log: printStripe,
        // `pnpm demo:plan` makes customer and subscription ids, and `--data-dir` keeps them past the double's memory.
        adoptUnknownIds: true,
      })
    } catch (err) {
      printStripe(`did not start on port ${stripePort} (${(err as Error).message}); STRIPE_DOUBLE_PORT=N picks another`)
      await stopAll()
      return 1
    }
    env.STRIPE_SECRET_KEY = STRIPE_DOUBLE_SECRET_KEY
    env.STRIPE_API_URL = stripe.url
    log(`Local Stripe double (test mode) on ${stripe.url}; webhooks to ${env.GATEWAY_URL}/api/stripe/webhook`)
  }

  // The outbox relay (EventBridge Pipes in AWS): every outbox item the apps write goes on the bus.
  const printRelay = prefixer('relay', 2)
  try {
    relay = await startRelayProcess(root, env, printRelay)
  } catch (err) {
    printRelay(`did not start: ${(err as Error).message}`)
    await stopAll()
    return 1
  }
  relay.once('exit', (code, signal) => {
    // Unlike an app's, its exit stops nothing: outbox items wait in the streams until a relay runs again.
    if (!stopping) printRelay(`exited (${signal ?? `code ${code}`}); events wait in the outbox tables until you run \`${RELAY_COMMAND}\``)
  })

  for (const [index, { app, entry }] of present.entries()) {
    const print = prefixer(app.name, index)
    const url = env[app.urlVar] as string
    const supervised = new Supervised({
      args: ['--import', 'tsx', entry],
      cwd: join(root, app.dir),
      env: envOf(app),
      print,
      ready: (child) => waitReady(url, child),
      watch: watchedFolders(root, app),
    })
    children.push({ app, supervised })
    try {
      await supervised.start()
    } catch (err) {
      print(`did not become ready: ${(err as Error).message}`)
      await stopAll()
      return 1
    }
    print(`ready on ${url}; restarts when it exits or its sources change`)
  }

  // The web console: Vite's dev server (its own hot reload), /api proxied to the gateway.
  const web = await startConsole(root, env, children.length)
  webConsole = web?.supervised
  const consoleUrl = web?.url
  if (consoleUrl === undefined) {
    await stopAll()
    return 1
  }

  const gatewayUrl = env.GATEWAY_URL as string
  const demo = await seedUser(gatewayUrl, DEMO_USER)
  const admin = await seedUser(gatewayUrl, ADMIN_USER)
  // The same command an operator runs; a persistent data dir answers "is already an admin".
  const grant = await grantAdmin(ADMIN_USER.email, env)
  log(grant.ok ? grant.output : `Granting role admin failed (${grant.output})`)
  const line = '-'.repeat(72)
  console.log(`\n${line}\n F1 Race Sim is running.\n`)
  const row = (label: string, value: string) => console.log(` ${`${label}:`.padEnd(22)}${value}`)
  row('Web console', `${consoleUrl} (sign in as the demo or admin user below)`)
  row('Gateway', gatewayUrl)
  for (const { app } of children) if (app.name !== 'gateway') row(app.name, env[app.urlVar] as string)
  row('DynamoDB', endpoint)
  row('Event bus', bus.url)
  row(
    'Event queues',
    `${bus.sqsEndpoint} (SQS; \`pnpm exec f1-local bus queues\` shows them, \`bus peek\`/\`bus redrive\` their dead letters)`,
  )
  row(
    'Stripe',
    stripe
      ? `${stripe.url} (local double, test mode: the checkout_url of a checkout opens its page)`
      : 'STRIPE_SECRET_KEY from the environment',
  )
  row('Outbox relay', `pid ${relay.pid}; checkpoints in .local/relay (run again alone: ${RELAY_COMMAND})`)
  console.log('')
  row('Demo user', `${demo.email} / ${demo.password} (${demo.state})`)
  row(
    'Admin user',
    `${admin.email} / ${admin.password} (${admin.state}; ${grant.ok ? 'role admin granted by' : 'role admin NOT granted; run'} \`${GRANT_ADMIN_COMMAND} ${admin.email}\`)`,
  )
  row('Legacy data', `${LEGACY_DEMO_USERS} generated users in ${names.legacy}; migrate: pnpm --filter @f1/migrator backfill`)
  row('Try', `curl -s -X POST ${gatewayUrl}/api/auth/login -H 'content-type: application/json' \\`)
  console.log(`${' '.repeat(23)}-d '{"email":"${demo.email}","password":"${demo.password}"}'`)
  console.log(`\n Ctrl-C stops everything.\n${line}\n`)
  await new Promise(() => {})
  return 0
}
