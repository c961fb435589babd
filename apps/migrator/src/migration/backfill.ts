// The bulk backfill: a parallel Scan of the legacy table, one page per segment at a time (memory
// stays bounded whatever the table's size), every mapped row written conditionally, a checkpoint
// per segment after each page. A run killed at any point resumes from its checkpoints and ends with
// the rows and counts an uninterrupted run would have (a redone page finds its rows already there).
// One run at a time: a lock item with a lease, renewed while the run lives.
import type { DynamoClients } from '@f1/tables/client'
import type { TargetTable } from '@f1/legacy/result'
import { LockLostError, RunInProgressError } from '../errors.ts'
import { Pacer } from '../lib/pacer.ts'
import {
  addCounters,
  buildReport,
  emptyCounters,
  progressOf,
  restoreCounters,
  type BackfillReport,
  type Counters,
  type Progress,
  type RunStatus,
} from '../lib/report.ts'
import { createLegacyRepository } from '../repositories/legacy.ts'
import type { Checkpoint } from '../repositories/state/checkpoints.ts'
import { createStateRepository } from '../repositories/state/index.ts'
import type { RunRecord } from '../repositories/state/runs.ts'
import { createTargetsRepository } from '../repositories/targets.ts'
import { MemoryEmailIndex, collectConflicts } from './emails.ts'
import { migrateBatch, type MigrateSettings } from './items.ts'
import { countMetric } from '@f1/service-kit/metrics'
import { lockOwner, newRunId, takeLock } from './lock-holder.ts'

export interface Log {
  info(obj: object, msg: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export type MigrationTableNames = Record<TargetTable | 'legacy' | 'migration', string>

export interface BackfillDeps extends MigrateSettings {
  clients: DynamoClients
  names: MigrationTableNames
  log: Log
  /** Lease of the run lock; renewed every third of it (at most every 5 s, with the run's progress). */
  leaseMs: number
  now?: () => Date
}

export interface BackfillOptions {
  dryRun: boolean
  segments: number
  /** Items written per second at most; null for no cap. */
  rate: number | null
  pageSize: number
  /** Conditional puts per TransactWriteItems call. */
  batchSize: number
  /** Write requests in flight at most. */
  concurrency: number
  source: 'cli' | 'service'
  /** Start a new run even if the last one is unfinished (which is then marked abandoned). */
  fresh?: boolean
  /**
   * Whether the run takes the lock and keeps a run record. Real runs always do; a dry run from the
   * CLI does not (it writes nothing at all), one from the service does (so GET /runs/:id shows it).
   */
  recordDryRun?: boolean
}

export interface BackfillHandle {
  runId: string | null
  /** True when this run continues an interrupted one. */
  resumed: boolean
  segments: number
  /** Settles with the final report (status completed, completed_with_failures or interrupted); rejects when the run failed. */
  done: Promise<BackfillReport>
  /** Asks the run to stop after the pages in progress; it checkpoints them and ends as interrupted. */
  stop(): void
  /** The run's figures now, with its speed since this process started it and the ETA at that speed (null while unknown). */
  progress(): Required<Progress>
  /** Throttling answers met so far (each one retried). */
  throttled(): number
}

const RESUMABLE: ReadonlySet<RunStatus> = new Set(['running', 'interrupted', 'failed'])

/**
 * Prepares a backfill (takes the lock, creates or resumes the run record) and starts it in the
 * background. Throws RunInProgressError when another live process holds the lock.
 */
export async function startBackfill(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillHandle> {
  const now = deps.now ?? (() => new Date())
  const persist = !options.dryRun || options.recordDryRun === true
  const readPacer = new Pacer({ concurrency: Math.max(8, options.segments * 2) })
  const writePacer = new Pacer({ concurrency: options.concurrency, rate: options.rate })
  const legacy = createLegacyRepository({ doc: deps.clients.doc, client: deps.clients.client, tableName: deps.names.legacy, readPacer })
  const targets = createTargetsRepository({ doc: deps.clients.doc, names: deps.names, writePacer, readPacer, batchSize: options.batchSize })
  const statePacer = new Pacer({ concurrency: 32 })
  const state = createStateRepository({ doc: deps.clients.doc, tableName: deps.names.migration, pacer: statePacer })
  const me = lockOwner()

  const startedAt = now()
  let runId: string | null = null
  let segments = options.segments
  let resumed = 0
  let checkpoints = new Map<number, Checkpoint>()
  let record: RunRecord | undefined

  if (persist) {
    const candidateId = newRunId(startedAt)
    const lock = await takeLock(state, me, candidateId, deps.leaseMs, deps.log)
    if (!lock.acquired) throw new RunInProgressError(lock.holder?.run_id ?? 'unknown')
    try {
      runId = candidateId
      const lastReal = (await state.latestRuns(20)).find((run) => !run.dry_run)
      if (!options.dryRun && lastReal && RESUMABLE.has(lastReal.status)) {
        if (options.fresh) {
          await state.putRun({ ...lastReal, status: 'abandoned', updated_at: now().toISOString() })
          deps.log.warn({ run_id: lastReal.run_id }, 'unfinished run abandoned (--fresh); its rows stay, the new run finds them present')
        } else {
          runId = lastReal.run_id
          segments = lastReal.segments
          resumed = lastReal.resumed + 1
          checkpoints = await state.loadCheckpoints(runId)
          if (segments !== options.segments) deps.log.warn({ segments }, 'resuming with the segment count the run started with')
          await state.acquireLock(me, runId, deps.leaseMs, me.owner)
        }
      }
      record = {
        run_id: runId,
        status: 'running',
        dry_run: options.dryRun,
        source: options.source,
        segments,
        rate: options.rate,
        page_size: options.pageSize,
        batch_size: options.batchSize,
        started_at: resumed > 0 && lastReal ? lastReal.started_at : startedAt.toISOString(),
        updated_at: startedAt.toISOString(),
        resumed,
        owner: me.owner,
        progress: progressOf(emptyCounters(), null),
      }
      await state.putRun(record)
    } catch (err) {
      await state.releaseLock(me).catch(() => {})
      throw err
    }
  }

  const segmentCounters: Counters[] = Array.from({ length: segments }, (_, s) => restoreCounters(checkpoints.get(s)?.counters))
  const readAtStart = segmentCounters.reduce((n, c) => n + c.read, 0)
  const clock = performance.now()
  const abort = new AbortController()
  let stopping = false
  let totalEstimate: number | null = null
  const emailIndex = new MemoryEmailIndex()

  const totals = (): Counters => {
    const all = emptyCounters()
    for (const c of segmentCounters) addCounters(all, c)
    return all
  }

  function progress(): Required<Progress> {
    const p = progressOf(totals(), totalEstimate)
    const elapsed = (performance.now() - clock) / 1000
    const speed = elapsed > 0 ? (p.read - readAtStart) / elapsed : 0
    const left = totalEstimate === null ? null : Math.max(0, totalEstimate - p.read)
    return { ...p, items_per_s: Math.round(speed), eta_s: left === null || speed <= 0 ? null : Math.round(left / speed) }
  }

  const throttled = () => [writePacer, readPacer, statePacer].reduce((n, pacer) => n + pacer.stats().throttled, 0)

  /** Runs a segment to its end (true) or until the run is asked to stop (false). */
  async function runSegment(segment: number): Promise<boolean> {
    const saved = checkpoints.get(segment)
    if (saved?.done) return true
    let pages = saved?.pages ?? 0
    let next = legacy.scanPage(segment, segments, saved?.cursor, options.pageSize, abort.signal)
    for (;;) {
      const page = await next
      // The next page is read while this one is written.
      if (page.nextCursor) {
        next = legacy.scanPage(segment, segments, page.nextCursor, options.pageSize, abort.signal)
        next.catch(() => {}) // awaited on the next turn, or dropped when the run stops
      }
      const batch = await migrateBatch(page.items, {
        targets: options.dryRun ? undefined : targets,
        now: now(),
        resolveTrack: deps.resolveTrack,
        retention: deps.retention,
        signal: abort.signal,
      })
      // The segment's counts including this page; they become the segment's only once the page is saved.
      const counters = restoreCounters(segmentCounters[segment])
      addCounters(counters, batch.counters)
      // The operator's progress graph: legacy items read, per kind of run.
      countMetric(deps.log, 'backfill_items', { run: options.dryRun ? 'dry-run' : 'backfill' }, page.items.length)
      if (options.dryRun) emailIndex.add(batch.emails)
      else {
        await state.putEmails(runId as string, batch.emails)
        // Only once every row of the page is durable: a resume redoes at most this page.
        const checkpoint: Checkpoint = {
          segment,
          done: page.nextCursor === undefined,
          pages: pages + 1,
          counters,
          updated_at: now().toISOString(),
        }
        if (page.nextCursor) checkpoint.cursor = page.nextCursor
        await state.saveCheckpoint(runId as string, checkpoint)
      }
      segmentCounters[segment] = counters
      pages += 1
      if (!page.nextCursor) return true
      if (stopping) return false
      abort.signal.throwIfAborted()
    }
  }

  async function heartbeat(): Promise<void> {
    if (!persist || !runId) return
    try {
      if (!(await state.renewLock(me, deps.leaseMs))) {
        abort.abort(new LockLostError(runId))
        return
      }
      await state.updateRunProgress(runId, progressOf(totals(), totalEstimate), now())
    } catch (err) {
      deps.log.warn({ err, run_id: runId }, 'could not renew the lock or record progress; retrying')
    }
  }

  async function finish(status: RunStatus, report: BackfillReport | undefined, error?: unknown): Promise<void> {
    if (!persist || !record) return
    const finishedAt = now().toISOString()
    const final: RunRecord = { ...record, status, updated_at: finishedAt, progress: progressOf(totals(), totalEstimate) }
    if (status !== 'running' && status !== 'interrupted') final.finished_at = finishedAt
    if (report) final.report = report
    if (error) final.error = error instanceof Error ? error.message : String(error)
    try {
      await state.putRun(final)
    } finally {
      await state.releaseLock(me)
    }
  }

  async function execute(): Promise<BackfillReport> {
    // Renews the lease well before it runs out, and lets other instances see the progress.
    const beat = setInterval(() => void heartbeat(), Math.max(500, Math.min(5_000, deps.leaseMs / 3)))
    beat.unref()
    try {
      totalEstimate = await legacy.countItems().catch(() => null)
      deps.log.info(
        { run_id: runId, segments, resumed, dry_run: options.dryRun, total_estimate: totalEstimate, rate: options.rate },
        resumed > 0 ? 'backfill resumed from its checkpoints' : 'backfill started',
      )
      const results = await Promise.allSettled(
        Array.from({ length: segments }, (_, s) =>
          runSegment(s).catch((err: unknown) => {
            // One segment failing stops the others: the run is resumable from every checkpoint.
            if (!abort.signal.aborted) abort.abort(err)
            throw err
          }),
        ),
      )
      if (abort.signal.aborted) throw abort.signal.reason
      const failure = results.find((r) => r.status === 'rejected')
      if (failure) throw failure.reason
      const interrupted = results.some((r) => r.status === 'fulfilled' && !r.value)
      const failed = Object.values(totals().tables).some((t) => t.failed > 0)
      const status: RunStatus = interrupted ? 'interrupted' : failed ? 'completed_with_failures' : 'completed'
      const conflicts =
        status === 'interrupted' ? [] : await collectConflicts(options.dryRun ? emailIndex.groups() : state.emailGroups(runId as string))
      const report = buildReport({
        runId,
        dryRun: options.dryRun,
        status,
        startedAt: record ? new Date(record.started_at) : startedAt,
        finishedAt: now(),
        resumed,
        segments,
        throttled: throttled(),
        counters: totals(),
        emailConflicts: conflicts,
      })
      await finish(status, status === 'interrupted' ? undefined : report)
      deps.log.info({ run_id: runId, status, totals: report.totals }, 'backfill ended')
      return report
    } catch (err) {
      deps.log.error({ err, run_id: runId }, 'backfill failed; start it again to resume from its checkpoints')
      // A run that lost its lock leaves the record to the process that took it over.
      if (!(err instanceof LockLostError)) {
        await finish('failed', undefined, err).catch((finishErr: unknown) =>
          deps.log.error({ err: finishErr }, 'could not record the failure'),
        )
      }
      throw err
    } finally {
      clearInterval(beat)
    }
  }

  return {
    runId,
    resumed: resumed > 0,
    segments,
    done: execute(),
    stop() {
      stopping = true
    },
    progress,
    throttled,
  }
}
