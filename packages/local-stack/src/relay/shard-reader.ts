// Reads one shard from its checkpoint to its end (or forever, while it is open): GetRecords, then
// every inserted outbox item on the bus, batch by batch, then the checkpoint, in that order.
import type { BusLogger } from '../bus/delivery.ts'
import { planBatches, type Batch } from './batches.ts'
import type { CheckpointStore } from './checkpoints.ts'
import type { RelayCounters } from './counters.ts'
import { pause, type Wakeup } from './pause.ts'
import type { Publisher } from './publisher.ts'
import { errorName, type StreamApi, type StreamRecord } from './stream-api.ts'
import type { UnpublishableFile } from './unpublishable.ts'

export interface ReaderContext {
  api: StreamApi
  publisher: Publisher
  checkpoints: CheckpointStore
  unpublishable: UnpublishableFile
  logger: BusLogger
  counters: RelayCounters
  busName: string
  pollIntervalMs: number
  backoffMs(attempt: number): number
  stopping: AbortSignal
  /** Woken when someone wants every shard polled now (drained()). */
  polls: Wakeup
  /** The relay's drain epoch now. */
  epoch(): number
  /** Called after each change of a shard's state that drained() looks at. */
  changed(): void
}

export interface ShardState {
  table: string
  streamArn: string
  shardId: string
  /** The epoch at which the latest GetRecords that found nothing was started; -1 before any. */
  emptyEpoch: number
  /** Read to its end (closed), or gone. */
  finished: boolean
}

export async function readShard(shard: ShardState, ctx: ReaderContext): Promise<void> {
  const { api, checkpoints, logger, counters } = ctx
  const { table, streamArn, shardId } = shard
  let iterator: string | undefined
  // After a trim the checkpoint points at records that no longer exist: start at the trim horizon.
  let fromTrimHorizon = false
  let failures = 0
  // TrimmedDataAccessException from GetRecords in a row: the first only means a stale iterator.
  let trimmedReads = 0

  const finish = () => {
    checkpoints.finish(streamArn, table, shardId)
    shard.finished = true
    ctx.changed()
  }

  /** Puts a page's outbox items on the bus batch by batch, checkpointing after each; false when stopped midway. */
  async function deliver(records: StreamRecord[]): Promise<boolean> {
    for (const batch of planBatches(records, ctx.busName)) {
      if (ctx.stopping.aborted) return false
      await keepUnpublishable(batch)
      if (batch.events.length > 0) {
        const started = performance.now()
        const result = await ctx.publisher.send(
          batch.events.map((e) => e.entry),
          { table },
        )
        if (!result.sent) return false
        counters.batchesSent++
        logger.info(
          {
            table,
            shard: shardId,
            events: batch.events.length,
            attempts: result.attempts,
            sequenceNumber: batch.lastSequenceNumber,
            ms: Math.round(performance.now() - started),
          },
          'batch sent',
        )
        logger.debug({ table, eventIds: batch.events.map((e) => e.eventId) }, 'events sent')
      }
      counters.skipped += batch.skipped
      checkpoints.advance(streamArn, table, shardId, batch.lastSequenceNumber)
    }
    return true
  }

  async function keepUnpublishable(batch: Batch) {
    for (const u of batch.unpublishable) {
      await ctx.unpublishable.add({ table, shardId, ...u })
      counters.unpublishable++
      logger.error(
        { table, eventId: u.eventId, reason: u.reason, sequenceNumber: u.sequenceNumber, file: ctx.unpublishable.file },
        'outbox item cannot be put on any bus; kept in the unpublishable file',
      )
    }
  }

  while (!ctx.stopping.aborted) {
    // Taken before the call, so a wake-up during it is not missed.
    const woken = ctx.polls.signal
    const epoch = ctx.epoch()
    try {
      if (iterator === undefined) {
        const after = fromTrimHorizon ? undefined : checkpoints.get(streamArn, shardId)?.sequenceNumber
        iterator = await api.shardIterator({ streamArn, shardId, after })
        if (iterator === undefined) return finish()
      }
      let page
      try {
        page = await api.records(iterator)
      } catch (err) {
        if (errorName(err) !== 'TrimmedDataAccessException' || ++trimmedReads > 1) throw err
        // DynamoDB Local says this of an iterator at the start of an empty shard once its first record
        // arrives after other tables' (a gap in sequence numbers); on AWS, of an iterator left unused
        // past the trim. Either way the checkpoint decides: an iterator from it again, and only if
        // that is refused were records really trimmed before they were read.
        iterator = undefined
        logger.debug({ table, shard: shardId }, 'shard iterator points at trimmed records; fetching it again from the checkpoint')
        continue
      }
      failures = 0
      trimmedReads = 0
      counters.recordsRead += page.records.length
      if (page.records.length > 0) {
        if (!(await deliver(page.records))) return
        fromTrimHorizon = false
      }
      // No next iterator: a closed shard read to its end; its children may start.
      if (page.next === undefined) return finish()
      iterator = page.next
      if (page.records.length === 0) {
        shard.emptyEpoch = epoch
        ctx.changed()
        await pause(ctx.pollIntervalMs, ctx.stopping, woken)
      }
    } catch (err) {
      iterator = undefined
      switch (errorName(err)) {
        case 'ExpiredIteratorException':
          // Iterators live 15 minutes (e.g. across a long bus outage): a new one from the checkpoint.
          counters.iteratorsExpired++
          logger.info({ table, shard: shardId }, 'shard iterator expired; reading on from the checkpoint')
          break
        case 'TrimmedDataAccessException':
          // The checkpoint itself is older than the trim horizon (24 h on AWS).
          trimmedReads = 0
          counters.trimmed++
          fromTrimHorizon = true
          logger.error(
            { table, shard: shardId, checkpoint: checkpoints.get(streamArn, shardId)?.sequenceNumber },
            'stream records were trimmed (24 h) before the relay read them: their events were not relayed; reading on from the trim horizon',
          )
          break
        case 'ResourceNotFoundException':
          logger.warn({ table, shard: shardId, stream: streamArn }, 'shard or stream no longer exists; done with it')
          return finish()
        default: {
          failures++
          const wait = ctx.backoffMs(failures)
          logger.warn(
            {
              table,
              shard: shardId,
              error: errorName(err) || String(err),
              message: (err as Error).message,
              attempt: failures,
              retryInMs: Math.round(wait),
            },
            'reading the stream failed; retrying',
          )
          await pause(wait, ctx.stopping)
        }
      }
    }
  }
}
