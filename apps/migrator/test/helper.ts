// Builds the migrator against real DynamoDB Local tables of this test file's own, and the small
// tools the tests share: generating legacy data, in-process runs, full scans, the CLI as a child.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { outboxEvents } from '@f1/events/testing'
import { ulid } from 'ulid'
import type { LegacyRates, LegacyShape, LegacyTally } from '@f1/legacy/generator'
import { TEST_SERVICE_TOKEN, serviceTokenEnv } from '@f1/service-kit/testing'
import { tableNamesToEnv } from '@f1/tables'
import { createDynamoClients, type DynamoClients } from '@f1/tables/client'
import { useTestTables, type TestTables } from '@f1/tables/testing'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { loadMigratorConfig, loadMigratorJobConfig } from '../src/config.ts'
import { Pacer } from '../src/lib/pacer.ts'
import { startBackfill, type BackfillDeps, type BackfillOptions } from '../src/migration/backfill.ts'
import { runGenerate } from '../src/migration/generate.ts'
import { migrationSetupOf } from '../src/migration/setup.ts'
import { runVerify, type Difference } from '../src/migration/verify.ts'
import { createLegacyRepository } from '../src/repositories/legacy.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

export const auth = { 'x-service-token': TEST_SERVICE_TOKEN }
export const BUS_SECRET = 'bus-secret-for-migrator-tests'
export const MIGRATOR_DIR = fileURLToPath(new URL('..', import.meta.url))

/** The migrator's tables (legacy, the four new ones, its state), fresh for this test. */
export function useMigrationTables(t: TapLike): Promise<TestTables> {
  return useTestTables(t, ['legacy', 'subscriptions', 'usage', 'actions', 'simulations', 'migration'])
}

const silent = { info() {}, warn() {}, error() {} }

/**
 * What an in-process backfill or verify needs, wired as the CLI wires it from these tables' environment
 * (or on another endpoint, e.g. a proxy), with a 10 s lease unless `leaseMs` says.
 */
export function jobDeps(tables: TestTables, options: { clients?: DynamoClients; leaseMs?: number } = {}): BackfillDeps {
  const { deps } = migrationSetupOf(loadMigratorJobConfig({ env: envFor(tables) }))
  return { ...deps, clients: options.clients ?? tables, log: silent, leaseMs: options.leaseMs ?? 10_000 }
}

export const RUN_DEFAULTS: BackfillOptions = {
  dryRun: false,
  segments: 3,
  rate: null,
  pageSize: 100,
  batchSize: 25,
  concurrency: 8,
  source: 'cli',
}

/** Runs a backfill to its end in this process. */
export async function backfill(tables: TestTables, options: Partial<BackfillOptions> = {}, deps: Partial<BackfillDeps> = {}) {
  const handle = await startBackfill({ ...jobDeps(tables), ...deps }, { ...RUN_DEFAULTS, ...options })
  return handle.done
}

/** Runs verify; resolves with its report and every difference it listed. */
export async function verify(tables: TestTables) {
  const differences: Difference[] = []
  const report = await runVerify(jobDeps(tables), { segments: 3, pageSize: 100, onDifference: (d) => differences.push(d) })
  return { report, differences }
}

/** Fills the legacy table with generated data; resolves with the generator's tally. */
export function generate(
  tables: TestTables,
  users: number,
  seed: number | string,
  rates?: Partial<LegacyRates>,
  shape?: Partial<LegacyShape>,
): Promise<LegacyTally> {
  const legacy = createLegacyRepository({
    doc: tables.doc,
    client: tables.client,
    tableName: tables.names.legacy,
    readPacer: new Pacer({ concurrency: 8 }),
  })
  return runGenerate(legacy, { users, seed, ...(rates ? { rates } : {}), ...(shape ? { shape } : {}) })
}

/** Every item of a table (consistent reads), sorted by its JSON: for before/after comparisons. */
export async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = []
  let startKey: Record<string, unknown> | undefined
  do {
    const res = await doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }))
    items.push(...(res.Items ?? []))
    startKey = res.LastEvaluatedKey
  } while (startKey)
  const key = (item: Record<string, unknown>) =>
    JSON.stringify(item, (_, v: unknown) => (v instanceof Set ? [...(v as Set<string>)].sort() : v))
  return items.sort((a, b) => (key(a) < key(b) ? -1 : 1))
}

/** Gives a migrated subscription row another plan than its profile's, behind the migrator's back (verify: different). */
export async function changePlan(tables: TestTables, row: Record<string, unknown>): Promise<void> {
  await tables.doc.send(
    new UpdateCommand({
      TableName: tables.names.subscriptions,
      Key: { user_id: row.user_id, subscription_id: row.subscription_id },
      UpdateExpression: 'SET plan_id = :p',
      ExpressionAttributeValues: { ':p': row.plan_id === 'team' ? 'pro' : 'team' },
    }),
  )
}

/** The sum of usage_count over the usage table. */
export async function usageTotal(tables: TestTables): Promise<number> {
  return (await scanAll(tables.doc, tables.names.usage)).reduce((sum, row) => sum + Number(row.usage_count), 0)
}

/** The environment the CLI and the app read: these tables on this DynamoDB Local. */
export function envFor(tables: TestTables, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: tables.endpoint,
    AWS_REGION: tables.region,
    ...tableNamesToEnv(tables.names),
    LOG_LEVEL: 'warn',
    ...extra,
  }
}

export interface CliRun {
  child: ReturnType<typeof spawn>
  output: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

/** Starts the CLI as a real child process (`node --import tsx bin/migrator.ts ...`). */
export function startCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/migrator.ts', ...args], {
    cwd: MIGRATOR_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const output = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
  return { child, output }
}

/** The app on the test tables, with a fake EventBridge; closed when `t` ends. */
export async function build(t: TapLike, options: BuildOptions & { tables?: TestTables; env?: Record<string, string> } = {}) {
  const tables = options.tables ?? (await useMigrationTables(t))
  const config = loadMigratorConfig({
    env: {
      ...envFor(tables),
      ...serviceTokenEnv('migrator'),
      EVENT_BUS_SECRET: BUS_SECRET,
      MIGRATION_SEGMENTS: '3',
      MIGRATION_PAGE_SIZE: '100',
      ...options.env,
    },
  })
  const app = await buildApp(config, { logger: false, ...options })
  t.teardown(() => app.close())
  /** The events in the migrator's outbox so far, oldest first (what the relay puts on the bus). */
  const events = () => outboxEvents(tables.doc, tables.names.migration)
  return { app, tables, config, events }
}

let n = 0
/** An EventBridge envelope of a gateway event for `userId`. */
export function userEvent(userId: string, detailType: 'User Signed In' | 'User Registered' = 'User Signed In', id?: string) {
  n += 1
  const at = new Date().toISOString()
  const fields = detailType === 'User Registered' ? { email: `${userId}@example.com`, name: 'Someone' } : {}
  return {
    version: '0',
    id: id ?? `evt-${n}-${Math.random().toString(36).slice(2, 8)}`,
    'detail-type': detailType,
    source: 'f1.gateway',
    account: '000000000000',
    time: at,
    region: 'us-east-1',
    resources: [],
    detail: { event_id: ulid(), user_id: userId, occurred_at: at, correlation_id: `req-${n}`, version: 1, ...fields },
  }
}

/** A client that talks to another endpoint (a fault-injecting proxy) and lets the migrator see every throttle. */
export function clientsFor(endpoint: string): DynamoClients {
  return createDynamoClients({ region: 'us-east-1', endpoint, maxAttempts: 1 })
}
