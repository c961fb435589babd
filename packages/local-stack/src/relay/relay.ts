// The local stand-in for the EventBridge Pipes of AWS: reads the stream of every outbox table and
// puts each inserted outbox item on the bus, at least once, checkpointing only what the bus accepted.
import { dirname, join } from 'node:path'
import type { OutboxTableId } from '@f1/tables/outbox'
import { backoffMs, DEFAULT_RETRY, silentLogger, type BusLogger } from '../bus/delivery.ts'
import { openCheckpoints, type CheckpointStore } from './checkpoints.ts'
import { newCounters, type RelayCounters } from './counters.ts'
import { pause, Wakeup } from './pause.ts'
import { createPublisher } from './publisher.ts'
import { readShard, type ReaderContext, type ShardState } from './shard-reader.ts'
import { errorName, sdkStreamApi, type StreamApi } from './stream-api.ts'
import { openUnpublishable } from './unpublishable.ts'

export type { StreamApi } from './stream-api.ts'
export type RelayLogger = BusLogger

export interface RelayOptions {
  /** DynamoDB (and Streams) endpoint; DynamoDB Local's URL locally. */
  dynamodbEndpoint?: string | undefined
  region: string
  /** The outbox tables to relay, by id, with their names. */
  tables: Partial<Record<OutboxTableId, string>>
  /** EventBridge endpoint; the local bus's URL locally. */
  eventBridgeEndpoint?: string | undefined
  busName: string
  /** The JSON file of checkpoints; created with its directory. */
  checkpointFile: string
  /** Outbox items no bus can accept; default unpublishable.jsonl beside the checkpoints. */
  unpublishableFile?: string
  /** Wait between GetRecords calls on a shard that had nothing new; default 250 ms. */
  pollIntervalMs?: number
  /** Wait between DescribeStream calls looking for new shards; default 10 s (a closed shard triggers one at once). */
  discoveryIntervalMs?: number
  /** Backoff of every retry (PutEvents, stream reads): doubling from baseDelayMs up to maxDelayMs, with jitter. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number }
  /** Per request, DynamoDB and EventBridge alike; default 5 s. */
  requestTimeoutMs?: number
  /** Pino-compatible; default silent. */
  logger?: RelayLogger
  /** The DynamoDB and Streams calls; default the SDK at dynamodbEndpoint (tests wrap it to inject faults). */
  streamApi?: StreamApi
}

export interface RelayStats extends RelayCounters {
  tables: number
  shardsReading: number
  shardsFinished: number
  checkpointWrites: number
}

export interface Relay {
  /** Finishes the PutEvents batch in flight (no new one starts), writes its checkpoint, and closes the clients. */
  stop(): Promise<void>
  stats(): RelayStats
  /**
   * Resolves once every shard has been read to its end as of this call (records on the stream
   * before the call included), everything read is on the bus and its checkpoint is on disk.
   * A table that cannot be read (missing, no stream, DynamoDB down) keeps it waiting. Rejects if
   * the relay stops first.
   */
  drained(): Promise<void>
  readonly checkpointFile: string
}

interface TableState {
  id: OutboxTableId
  name: string
  latestStreamArn?: string
  readers: Map<string, ShardState>
  /** Listed shards waiting for their parent to be read to its end. */
  waiting: number
  /** The epoch at which the latest shard listing was started; -1 before any. */
  listedEpoch: number
  problem?: string
}

interface DrainWaiter {
  epoch: number
  resolve(): void
  reject(err: Error): void
}

/** A table the relay cannot read (yet): missing, or without a stream; looked at again with each discovery. */
class TableNotReadable extends Error {}

async function latestStreamOf(api: StreamApi, table: { id: OutboxTableId; name: string }): Promise<string> {
  let arn: string | undefined
  try {
    arn = await api.latestStreamArn(table.name)
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') throw new TableNotReadable(`the ${table.id} table ${table.name} does not exist`)
    throw err
  }
  if (arn === undefined) {
    throw new TableNotReadable(
      `the ${table.id} table ${table.name} has no stream: outbox tables are created with a NEW_IMAGE stream; enable it on one created before`,
    )
  }
  return arn
}

/**
 * Starts relaying every given table's stream. Fails at once if DynamoDB does not answer; a table that
 * is missing or has no stream is logged as an error and looked at again while the others are relayed.
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const logger = options.logger ?? silentLogger
  const counters = newCounters()
  const stopper = new AbortController()
  const stopping = stopper.signal
  const polls = new Wakeup()
  const discoveries = new Wakeup()
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 200, maxDelayMs: 5_000, ...options.retry }
  const backoff = (attempt: number) => backoffMs(attempt, policy, Math.random)
  const api =
    options.streamApi ??
    sdkStreamApi({ endpoint: options.dynamodbEndpoint, region: options.region, requestTimeoutMs: options.requestTimeoutMs })

  let checkpoints: CheckpointStore
  const tables: TableState[] = (Object.entries(options.tables) as Array<[OutboxTableId, string]>).map(([id, name]) => ({
    id,
    name,
    readers: new Map(),
    waiting: 0,
    listedEpoch: -1,
  }))
  try {
    checkpoints = await openCheckpoints(options.checkpointFile, {
      onWriteError: (err) => logger.error({ err, file: options.checkpointFile }, 'writing the checkpoints failed; retrying'),
    })
    for (const table of tables) {
      try {
        table.latestStreamArn = await latestStreamOf(api, table)
      } catch (err) {
        if (!(err instanceof TableNotReadable)) {
          throw new Error(`DynamoDB at ${options.dynamodbEndpoint ?? 'AWS'} did not answer: ${(err as Error).message}`, { cause: err })
        }
        table.problem = err.message
        logger.error({ table: table.name, error: err.message }, 'outbox table not readable; relaying the others and looking again')
      }
    }
  } catch (err) {
    api.close()
    throw err
  }

  const publisher = createPublisher({
    endpoint: options.eventBridgeEndpoint,
    region: options.region,
    logger,
    counters,
    backoffMs: backoff,
    stopping,
    requestTimeoutMs: options.requestTimeoutMs,
  })
  let epoch = 0
  let shardsFinished = 0
  const waiters: DrainWaiter[] = []
  const running = new Set<Promise<void>>()
  const track = (promise: Promise<void>) => {
    running.add(promise)
    void promise.finally(() => running.delete(promise))
  }

  const isDrained = (mark: number) =>
    tables.every(
      (table) =>
        table.listedEpoch >= mark && table.waiting === 0 && [...table.readers.values()].every((r) => r.finished || r.emptyEpoch >= mark),
    )
  function changed() {
    for (const waiter of [...waiters]) {
      if (!isDrained(waiter.epoch)) continue
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }

  const context: ReaderContext = {
    api,
    publisher,
    checkpoints,
    unpublishable: openUnpublishable(options.unpublishableFile ?? join(dirname(options.checkpointFile), 'unpublishable.jsonl')),
    logger,
    counters,
    busName: options.busName,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    backoffMs: backoff,
    stopping,
    polls,
    epoch: () => epoch,
    changed,
  }

  /** Lists the shards of the table's streams and starts a reader for each shard whose parent has been read. */
  async function discover(table: TableState): Promise<void> {
    const listedAt = epoch
    table.latestStreamArn = await latestStreamOf(api, table)
    // The latest stream, and an older one (the table's stream re-enabled) while it is still being read.
    const streams = new Set([table.latestStreamArn, ...[...table.readers.values()].filter((r) => !r.finished).map((r) => r.streamArn)])
    const listed = new Map<string, Set<string>>()
    let waiting = 0
    for (const streamArn of streams) {
      let shards
      try {
        shards = await api.listShards(streamArn)
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') continue
        throw err
      }
      const ids = new Set(shards.flatMap((s) => (s.ShardId ? [s.ShardId] : [])))
      listed.set(streamArn, ids)
      for (const { ShardId: shardId, ParentShardId: parent } of shards) {
        const key = `${streamArn} ${shardId}`
        if (shardId === undefined || table.readers.has(key) || checkpoints.get(streamArn, shardId)?.done) continue
        // DynamoDB Streams' order rule: a child only after its parent is read to its end (a parent
        // no longer listed was trimmed away and cannot be read).
        if (parent && ids.has(parent) && !checkpoints.get(streamArn, parent)?.done) {
          waiting++
          continue
        }
        if (stopping.aborted) return
        const shard: ShardState = { table: table.name, streamArn, shardId, emptyEpoch: -1, finished: false }
        table.readers.set(key, shard)
        logger.debug(
          { table: table.name, shard: shardId, parent, checkpoint: checkpoints.get(streamArn, shardId)?.sequenceNumber },
          'reading shard',
        )
        track(
          readShard(shard, context)
            .catch((err: unknown) => {
              // readShard handles its errors; this would be a bug, and the shard must not look drained.
              logger.error({ err, table: table.name, shard: shardId }, 'shard reader crashed')
            })
            .finally(() => {
              if (shard.finished) {
                shardsFinished++
                table.readers.delete(key)
                discoveries.wake()
              }
            }),
        )
      }
    }
    checkpoints.prune(table.name, listed)
    table.waiting = waiting
    table.listedEpoch = listedAt
    changed()
  }

  async function discoverForever(table: TableState): Promise<void> {
    let failures = 0
    while (!stopping.aborted) {
      const woken = discoveries.signal
      try {
        await discover(table)
        if (table.problem) logger.info({ table: table.name, was: table.problem }, 'outbox table readable again')
        table.problem = undefined
        failures = 0
        await pause(options.discoveryIntervalMs ?? 10_000, stopping, woken)
      } catch (err) {
        failures++
        const problem = err instanceof TableNotReadable ? err.message : `${errorName(err) || 'Error'}: ${(err as Error).message}`
        // Logged when it changes, not at every retry.
        if (problem !== table.problem) {
          if (err instanceof TableNotReadable)
            logger.error({ table: table.name, error: problem }, 'outbox table not readable; relaying the others and looking again')
          else logger.warn({ table: table.name, error: problem }, 'listing the stream failed; retrying')
        }
        table.problem = problem
        await pause(backoff(failures), stopping, woken)
      }
    }
  }

  for (const table of tables) track(discoverForever(table))
  logger.info(
    {
      tables: Object.fromEntries(tables.map((t) => [t.id, t.name])),
      bus: options.busName,
      eventBridge: options.eventBridgeEndpoint,
      checkpoints: checkpoints.file,
    },
    'relay started',
  )

  const stats = (): RelayStats => ({
    ...counters,
    tables: tables.length,
    shardsReading: tables.reduce((n, t) => n + [...t.readers.values()].filter((r) => !r.finished).length, 0),
    shardsFinished,
    checkpointWrites: checkpoints.writes(),
  })

  let stopped: Promise<void> | undefined
  return {
    checkpointFile: checkpoints.file,
    stats,
    drained() {
      if (stopping.aborted) return Promise.reject(new Error('the relay is stopped'))
      const mark = ++epoch
      // Look now rather than after the poll and discovery intervals.
      polls.wake()
      discoveries.wake()
      return new Promise<void>((resolve, reject) => {
        waiters.push({ epoch: mark, resolve, reject })
        changed()
      }).then(() => checkpoints.flush())
    },
    stop() {
      stopped ??= (async () => {
        stopper.abort()
        while (running.size > 0) await Promise.allSettled([...running])
        await checkpoints.flush()
        publisher.close()
        api.close()
        for (const waiter of waiters.splice(0)) waiter.reject(new Error('the relay stopped before it was drained'))
        logger.info({ stats: stats() }, 'relay stopped')
      })()
      return stopped
    },
  }
}
