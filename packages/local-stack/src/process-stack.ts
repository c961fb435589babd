// The whole local stack as processes, for suites that drive it from outside (the fault suite, the web
// console's browser tests): a DynamoDB Local of its own (to pause), every app and the outbox relay as
// processes (to kill and start again) on free ports, and the local bus in this process (to stop and
// start) with the consumers' queues each consumer polls (they live in the bus: stopping it loses what
// they hold), and with `stripeDouble` the local Stripe double in this process too (checkout through
// its page). Each suite gives its own secrets, settings and the bus's retry policy.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { RULES } from '@f1/events/rules'
import { portVar, SERVICE_NAMES, urlVar, type ServiceName } from '@f1/contracts/services'
import type { RetryPolicy } from './bus/delivery.ts'
import { startLocalBus, type LocalBus } from './bus/server.ts'
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb.ts'
import {
  planPrices,
  startStripeDouble,
  STRIPE_DOUBLE_SECRET_KEY,
  type StripeDouble,
  type StripeDoublePrice,
  type WebhookRetry,
} from './stripe/double.ts'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { resolveTableNames, tableNamesToEnv, type TableNames } from '@f1/tables'

const REPO = join(import.meta.dirname, '..', '..', '..')

export interface ProcessStackOptions {
  /** Prefix of the stack's table names and temporary folders. */
  name: string
  /** The consumers' EVENT_BUS_SECRET, for a suite that posts events to their POST /events itself; the bus puts them on their queues. */
  busSecret?: string
  jwtSecret: string
  webhookSecret: string
  prices: { pro: string; team: string }
  /** Further settings of every app (limits, origins, timeouts). */
  env?: NodeJS.ProcessEnv
  /** How the bus retries putting an event on a queue before it dead-letters it. */
  busRetry?: Partial<RetryPolicy>
  /**
   * Starts the local Stripe double in this process on a free port (as `f1-local dev` does): subscription-service
   * gets a test key and STRIPE_API_URL for it, so checkout answers a checkout_url whose page's Pay sends
   * signed webhooks to the gateway. `prices` default to `planPrices(prices)`; `log` gets each webhook's outcome.
   */
  stripeDouble?:
    | boolean
    | { prices?: StripeDoublePrice[]; retry?: Partial<WebhookRetry>; log?: (line: string) => void; adoptUnknownIds?: boolean }
}

/** A process the suite can kill and start again on the same port. */
export interface Component {
  readonly name: string
  readonly url: string
  start(): Promise<void>
  /** Sends the signal and waits for the exit (SIGKILL: no clean-up at all). */
  kill(signal?: NodeJS.Signals): Promise<void>
  running(): boolean
}

/** Every service, with the file it runs: its package.json `main`. */
const APPS = SERVICE_NAMES.map((name) => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'apps', name, 'package.json'), 'utf8')) as { main: string }
  return { name, main: manifest.main, portVar: portVar(name), urlVar: urlVar(name) }
})
export type AppName = ServiceName

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok
  } catch {
    return false
  }
}

function component(name: string, url: string, command: () => ChildProcess, ready: () => Promise<boolean>): Component {
  let child: ChildProcess | undefined
  return {
    name,
    url,
    async start() {
      child = command()
      const started = Date.now()
      while (!(await ready())) {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`)
        if (Date.now() - started > 60_000) throw new Error(`${name} not ready after 60 s`)
        await sleep(100)
      }
    },
    async kill(signal = 'SIGKILL') {
      const running = child
      if (!running || running.exitCode !== null || running.signalCode !== null) return
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
      running.kill(signal)
      await exited
    },
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
  }
}

export interface Stack {
  ddb: DynamoDbLocal
  doc: DynamoDBDocumentClient
  names: TableNames
  apps: Record<AppName, Component>
  relay: Component
  bus: () => LocalBus
  /** The bus's SQS (the consumers' queues), the same across a stopBus/startBus. */
  sqsEndpoint: string
  /** The local Stripe double, with `stripeDouble`. */
  stripe: StripeDouble | undefined
  startBus(): Promise<void>
  stopBus(): Promise<void>
  gateway: string
  /** The settings every app runs with (for operator commands run against the stack). */
  env: NodeJS.ProcessEnv
  /** Every item of a table (outbox items included), consistently read. */
  scan(table: keyof TableNames): Promise<Array<Record<string, unknown>>>
  stop(): Promise<void>
}

export async function startProcessStack(options: ProcessStackOptions): Promise<Stack> {
  const ddb = await startDynamoDbLocal()
  const names = resolveTableNames({}, `${options.name}-`)
  const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
  await ensureTables(client, names)
  const busPort = await freePort()
  const queuePort = await freePort()
  const ports = Object.fromEntries(await Promise.all(APPS.map(async (app) => [app.name, await freePort()] as const))) as Record<
    AppName,
    number
  >
  const double = options.stripeDouble === true ? {} : options.stripeDouble || undefined
  const stripe = double
    ? await startStripeDouble({
        webhookUrl: `http://127.0.0.1:${ports.gateway}/api/stripe/webhook`,
        webhookSecret: options.webhookSecret,
        prices: double.prices ?? planPrices(options.prices),
        ...(double.retry ? { retry: double.retry } : {}),
        ...(double.log ? { log: double.log } : {}),
        ...(double.adoptUnknownIds ? { adoptUnknownIds: true } : {}),
      })
    : undefined
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STAGE: 'local',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DYNAMODB_ENDPOINT: ddb.endpoint,
    JWT_SECRET: options.jwtSecret,
    ...(options.busSecret ? { EVENT_BUS_SECRET: options.busSecret } : {}),
    EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${busPort}`,
    STRIPE_WEBHOOK_SECRET: options.webhookSecret,
    STRIPE_PRICE_PRO: options.prices.pro,
    STRIPE_PRICE_TEAM: options.prices.team,
    ...(stripe ? { STRIPE_SECRET_KEY: STRIPE_DOUBLE_SECRET_KEY, STRIPE_API_URL: stripe.url } : {}),
    ...options.env,
    ...tableNamesToEnv(names),
  }
  for (const app of APPS) {
    env[app.portVar] = String(ports[app.name])
    env[app.urlVar] = `http://127.0.0.1:${ports[app.name]}`
  }
  // Each consumer polls its own queue, simulation-service its job queue; the URLs stay the same when the bus starts again on its ports.
  const queueEnv: Partial<Record<string, Record<string, string>>> = {}
  const apps = Object.fromEntries(
    APPS.map((app) => [
      app.name,
      component(
        app.name,
        env[app.urlVar]!,
        () =>
          spawn(process.execPath, ['--import', 'tsx', app.main], {
            cwd: join(REPO, 'apps', app.name),
            env: { ...env, ...queueEnv[app.name] },
            stdio: ['ignore', 'ignore', 'inherit'],
          }),
        () => answers(`${env[app.urlVar]}/ready`),
      ),
    ]),
  ) as Record<AppName, Component>

  const relayDir = mkdtempSync(join(tmpdir(), `f1-${options.name}-relay-`))
  let relayReady = false
  const relay = component(
    'relay',
    'relay',
    () => {
      relayReady = false
      const child = spawn(
        process.execPath,
        [join(REPO, 'packages', 'local-stack', 'bin', 'f1-local.mjs'), 'relay', '--dir', relayDir, '--poll-ms', '100'],
        {
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('relay started')) relayReady = true
      })
      return child
    },
    async () => relayReady,
  )

  const deadLetterDir = mkdtempSync(join(tmpdir(), `f1-${options.name}-dlq-`))
  let bus: LocalBus | undefined
  const startBus = async () => {
    bus = await startLocalBus({
      port: busPort,
      queuePort,
      rules: RULES,
      deadLetterDir,
      ...(options.busRetry ? { retry: options.busRetry } : {}),
    })
  }
  await startBus()
  for (const app of APPS) queueEnv[app.name] = bus!.queueEnv(app.name)
  for (const app of APPS) await apps[app.name].start()
  await relay.start()

  return {
    ddb,
    doc,
    names,
    apps,
    relay,
    bus: () => bus!,
    sqsEndpoint: bus!.sqsEndpoint,
    stripe,
    startBus,
    async stopBus() {
      await bus?.close()
      bus = undefined
    },
    gateway: env.GATEWAY_URL!,
    env,
    async scan(table) {
      const items: Array<Record<string, unknown>> = []
      let startKey: Record<string, unknown> | undefined
      do {
        const res = await doc.send(new ScanCommand({ TableName: names[table], ConsistentRead: true, ExclusiveStartKey: startKey }))
        items.push(...(res.Items ?? []))
        startKey = res.LastEvaluatedKey
      } while (startKey)
      return items
    },
    async stop() {
      await relay.kill('SIGTERM')
      for (const app of [...APPS].reverse()) await apps[app.name].kill('SIGTERM')
      await stripe?.close()
      await bus?.close()
      client.destroy()
      await ddb.stop()
    },
  }
}
