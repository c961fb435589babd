// Shared pieces of the relay tests: real outbox tables on DynamoDB Local, the local bus with a
// recording consumer polling its queue, outbox items built by small functions, and the relay CLI as a child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import { tableNamesToEnv } from '@f1/tables'
import { OUTBOX_TTL_S, outboxKey, type OutboxAttributes } from '@f1/tables/outbox'
import { useTestTables, type TestTables } from '@f1/tables/testing'
import type { LocalBus } from '../src/bus/server.ts'
import { startRelay, type Relay, type RelayLogger, type RelayOptions } from '../src/relay/relay.ts'
import { sdkStreamApi } from '../src/relay/stream-api.ts'
import { BUS, rule, startQueueConsumer, startTestBus, type Target, type TapTest } from './bus-helper.ts'

export type RelayTable = 'usage' | 'subscriptions'
export const RELAY_TABLES: readonly RelayTable[] = ['usage', 'subscriptions']
const SOURCES: Record<RelayTable, string> = { usage: 'f1.usage', subscriptions: 'f1.subscriptions' }

/** Every event of the two test tables' sources goes to one consumer. */
export const OUTBOX_RULES = [rule('outbox-to-consumer', { source: Object.values(SOURCES) })]

export interface TestEvent {
  table: RelayTable
  userId: string
  eventId: string
  source: string
  detailType: string
  detail: Record<string, unknown>
  time: string
}

let sequence = 0

/** An event as a producer would write it, `n`-th of its test; the detail carries its `event_id`. */
export function testEvent(table: RelayTable, overrides: Partial<TestEvent> = {}): TestEvent {
  const n = ++sequence
  const eventId = overrides.eventId ?? randomUUID()
  const time = overrides.time ?? new Date(Date.UTC(2026, 0, 1, 12, 0, n % 60, 123)).toISOString()
  return {
    table,
    userId: `u-${n % 7}`,
    eventId,
    source: SOURCES[table],
    detailType: table === 'usage' ? 'Usage Limit Reached' : 'Subscription Activated',
    detail: { event_id: eventId, user_id: `u-${n % 7}`, occurred_at: time, n, version: 1 },
    time,
    ...overrides,
  }
}

/** The outbox item of an event: the table's outbox key and the attributes the relay reads. */
export function outboxItem(event: TestEvent): Record<string, unknown> {
  const attributes: OutboxAttributes = {
    outbox_event_id: event.eventId,
    outbox_source: event.source,
    outbox_detail_type: event.detailType,
    outbox_detail: JSON.stringify(event.detail),
    outbox_time: event.time,
    expires_at: Math.floor(Date.now() / 1000) + OUTBOX_TTL_S,
  }
  return { ...outboxKey(event.table, event.userId, event.eventId), ...attributes }
}

export interface Testbed {
  tables: TestTables
  target: Target
  bus: LocalBus
  /** A fresh directory for checkpoints. */
  dir: string
  /** Starts a bus again on `port` and the first bus's queue port (after bus.close()), routing to the same consumer; closed at teardown. */
  restartBus(port: number): Promise<LocalBus>
  /** Resolves once the bus has put every event on the queue and the consumer has handled all of them. */
  idle(): Promise<void>
  /** Relay options for these tables and this bus; checkpoints in `dir`. */
  options(overrides?: Partial<RelayOptions>): RelayOptions
  /** Starts a relay, stopped at teardown. */
  relay(overrides?: Partial<RelayOptions>): Promise<Relay>
  /** Puts each item with PutItem, `concurrency` at a time. */
  put(items: Array<Record<string, unknown>>, table: RelayTable, concurrency?: number): Promise<void>
  /** Puts each event's outbox item in its table, the tables side by side. */
  putEvents(events: TestEvent[], concurrency?: number): Promise<void>
}

/** The usage and subscriptions tables, a consumer, a bus routing their events to it. */
export async function startTestbed(t: TapTest, options: { busPort?: number } = {}): Promise<Testbed> {
  const tables = await useTestTables(t, RELAY_TABLES)
  // t.testdir() empties the directory on each call: once here, and only subdirectories afterwards.
  const root = t.testdir()
  const dir = join(root, 'relay')
  const bus = await startOutboxBus(t, join(root, 'bus'), options.busPort)
  let current = bus
  const target = await startQueueConsumer(() => current)
  t.teardown(() => target.close())
  const tableNames = { usage: tables.names.usage, subscriptions: tables.names.subscriptions }
  const put = async (items: Array<Record<string, unknown>>, table: RelayTable, concurrency = 1) => {
    const queue = [...items]
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        await tables.client.send(new PutItemCommand({ TableName: tableNames[table], Item: marshall(item) }))
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
  }
  const testbed: Testbed = {
    tables,
    target,
    bus,
    dir,
    restartBus: async (port) => (testbed.bus = current = await startOutboxBus(t, join(root, 'bus'), port, bus.queuePort)),
    idle: () => target.drained(),
    options: (overrides = {}) => ({
      dynamodbEndpoint: tables.endpoint,
      region: tables.region,
      tables: tableNames,
      eventBridgeEndpoint: bus.url,
      busName: BUS,
      checkpointFile: join(dir, 'checkpoints.json'),
      pollIntervalMs: 50,
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
      ...overrides,
    }),
    async relay(overrides = {}) {
      const relay = await startRelay(testbed.options(overrides))
      t.teardown(() => relay.stop())
      return relay
    },
    put,
    async putEvents(events, concurrency = 1) {
      await Promise.all(RELAY_TABLES.map((table) => put(events.filter((e) => e.table === table).map(outboxItem), table, concurrency)))
    },
  }
  return testbed
}

// A burst of a few hundred events is put on the queue at once: give each put time, so that the
// duplicates the tests count are the relay's, not the bus's retries of a slow answer.
const PATIENT_RETRY = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 500, maxAgeMs: 60_000, requestTimeoutMs: 15_000 }

/** A bus putting the test tables' events on the action log's queue; on free ports unless given. */
function startOutboxBus(t: TapTest, deadLetterDir: string, port?: number, queuePort?: number): Promise<LocalBus> {
  return startTestBus(t, {
    rules: OUTBOX_RULES,
    deadLetterDir,
    retry: PATIENT_RETRY,
    ...(port ? { port } : {}),
    ...(queuePort ? { queuePort } : {}),
  })
}

/** The `event_id` of each event the consumer received, in arrival order (duplicates included). */
export function receivedEventIds(target: Target): string[] {
  return target.received.map((r) => String((r.body.detail as Record<string, unknown>).event_id))
}

/** Resolves once the consumer has received every one of `ids` at least once. */
export async function waitForEventIds(target: Target, ids: Iterable<string>): Promise<void> {
  const wanted = new Set(ids)
  for (let seen = 0; ; ) {
    for (const id of receivedEventIds(target).slice(seen)) wanted.delete(id)
    if (wanted.size === 0) return
    seen = target.received.length
    await target.waitFor(seen + 1)
  }
}

export interface LogEntry {
  level: number
  msg: string
  [field: string]: unknown
}

/** A logger that keeps every entry; `waitFor` resolves on the first entry (from now on or already kept) that matches. */
export function recordingLogger(): {
  logger: RelayLogger
  entries: LogEntry[]
  /** Resolves once `count` entries (default 1) with this message have been logged. */
  waitFor(msg: string, count?: number): Promise<void>
} {
  const entries: LogEntry[] = []
  const waiters: Array<{ msg: string; count: number; resolve: () => void }> = []
  const logged = (msg: string) => entries.filter((e) => e.msg === msg).length
  const line = (level: number) => (obj: object, msg: string) => {
    entries.push({ ...obj, level, msg })
    for (const waiter of waiters.filter((w) => logged(w.msg) >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }
  return {
    logger: { debug: line(20), info: line(30), warn: line(40), error: line(50) },
    entries,
    waitFor: (msg, count = 1) =>
      logged(msg) >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ msg, count, resolve })),
  }
}

export interface RelayProcess {
  child: ChildProcess
  /** Its JSON log lines so far. */
  lines: LogEntry[]
  stderr(): string
  /** Resolves on the first log line with this message. */
  waitForLog(msg: string): Promise<LogEntry>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** `f1-local relay` in a child process for the testbed's tables and bus, checkpoints in `dir`. */
export function spawnRelay(testbed: Testbed, dir: string, extraArgs: string[] = []): RelayProcess {
  const bin = join(import.meta.dirname, '..', 'bin', 'f1-local.mjs')
  const child = spawn(
    process.execPath,
    // The leading `--` is what pnpm hands a script; the command must ignore it.
    [bin, 'relay', '--', '--dir', dir, '--tables', RELAY_TABLES.join(','), '--poll-ms', '50', ...extraArgs],
    {
      env: {
        PATH: process.env.PATH,
        DYNAMODB_ENDPOINT: testbed.tables.endpoint,
        EVENTBRIDGE_ENDPOINT: testbed.bus.url,
        EVENT_BUS_NAME: BUS,
        AWS_REGION: testbed.tables.region,
        ...tableNamesToEnv({ usage: testbed.tables.names.usage, subscriptions: testbed.tables.names.subscriptions }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const lines: LogEntry[] = []
  const waiters: Array<{ msg: string; resolve: (e: LogEntry) => void }> = []
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  createInterface({ input: child.stdout }).on('line', (text) => {
    let entry: LogEntry
    try {
      entry = JSON.parse(text) as LogEntry
    } catch {
      return
    }
    lines.push(entry)
    for (const waiter of waiters.filter((w) => w.msg === entry.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(entry)
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLog(msg) {
      const found = lines.find((e) => e.msg === msg)
      if (found) return Promise.resolve(found)
      return Promise.race([
        new Promise<LogEntry>((resolve) => waiters.push({ msg, resolve })),
        exited.then(({ code, signal }) => {
          throw new Error(`the relay exited (${signal ?? code}) before logging "${msg}": ${stderr}`)
        }),
      ])
    },
    exited,
  }
}

export interface FlakyProxy {
  url: string
  /** PutEvents entries seen, by event id: how many times each was sent. */
  attempts: Map<string, number>
  /** Entries answered with an error. */
  refused: number
  close(): Promise<void>
}

/**
 * An EventBridge endpoint in front of the bus that answers some entries with a per-entry error
 * (ThrottlingException), as EventBridge does in a partial failure, and forwards the others.
 */
export async function startFlakyProxy(busUrl: string, refuse: (eventId: string, attempt: number) => boolean): Promise<FlakyProxy> {
  const attempts = new Map<string, number>()
  let refused = 0
  const server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', async () => {
      const body = JSON.parse(text) as { Entries: Array<{ Detail: string }> }
      const refusedAt = new Set<number>()
      for (const [i, entry] of body.Entries.entries()) {
        const id = String((JSON.parse(entry.Detail) as { event_id: string }).event_id)
        const attempt = (attempts.get(id) ?? 0) + 1
        attempts.set(id, attempt)
        if (refuse(id, attempt)) refusedAt.add(i)
      }
      const forwarded = body.Entries.filter((_, i) => !refusedAt.has(i))
      let results: Array<Record<string, string>> = []
      if (forwarded.length > 0) {
        const answer = await fetch(busUrl, {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '', 'x-amz-target': String(req.headers['x-amz-target']) },
          body: JSON.stringify({ ...body, Entries: forwarded }),
        })
        results = ((await answer.json()) as { Entries: Array<Record<string, string>> }).Entries
      }
      refused += refusedAt.size
      const entries = body.Entries.map((_, i) =>
        refusedAt.has(i) ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : results.shift()!,
      )
      const out = JSON.stringify({ FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries })
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(out)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    get refused() {
      return refused
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Each outbox item's stream sequence number (and shard), by event id, read from the table's stream itself. */
export async function streamPositions(
  testbed: Testbed,
  table: RelayTable,
): Promise<Map<string, { shardId: string; sequenceNumber: bigint }>> {
  const api = sdkStreamApi({ endpoint: testbed.tables.endpoint, region: testbed.tables.region })
  try {
    const streamArn = await api.latestStreamArn(testbed.tables.names[table])
    const positions = new Map<string, { shardId: string; sequenceNumber: bigint }>()
    for (const { ShardId: shardId } of await api.listShards(streamArn!)) {
      let iterator = await api.shardIterator({ streamArn: streamArn!, shardId: shardId! })
      while (iterator) {
        const page = await api.records(iterator)
        for (const record of page.records) {
          const id = record.dynamodb?.NewImage?.outbox_event_id?.S
          if (id) positions.set(id, { shardId: shardId!, sequenceNumber: BigInt(record.dynamodb!.SequenceNumber!) })
        }
        iterator = page.records.length > 0 ? page.next : undefined
      }
    }
    return positions
  } finally {
    api.close()
  }
}
