// A verify run in the background of a service, kept as a record in the migration table so any
// instance (or this one after a restart) shows it. One verify at a time, anywhere (the verify lock):
// each reads every item of five tables, and two at once would only give the same answer twice.
// None starts while a real backfill runs: rows it has not written yet would read as missing. One
// that starts meanwhile is named on the record (backfill_run_id), since it makes the report stale.
import { DIFFERENCE_SAMPLE_SIZE, type VerificationProgress } from '@f1/contracts/migrations'
import { withExtras } from '@f1/service-kit/errors'
import { RunInProgressError, VerifyInProgressError } from '../errors.ts'
import { Pacer } from '../lib/pacer.ts'
import { createLegacyRepository } from '../repositories/legacy.ts'
import { createStateRepository, type StateRepository } from '../repositories/state/index.ts'
import type { VerificationRecord } from '../repositories/state/verifications.ts'
import type { BackfillDeps } from './backfill.ts'
import { lockOwner, newRunId, takeLock } from './lock-holder.ts'
import { runVerify, type Difference, type VerifyPass, type VerifyReport } from './verify.ts'

export interface VerificationOptions {
  segments: number
  pageSize: number
}

export interface VerificationHandle {
  verificationId: string
  /** Settles with the final record: done, failed or interrupted. */
  done: Promise<VerificationRecord>
  /** Asks the verify to stop after the pages in progress; it then ends as interrupted. */
  stop(): void
  /** The figures now, with the speed since it started and the ETA of the first pass (null while unknown). */
  progress(): Required<VerificationProgress>
}

// A difference's detail can quote a whole row (a simulation's results): cut, so 50 fit one item.
const DETAIL_CHARS = 500
const clip = (text: string) => (text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS - 1)}…` : text)

/** A real (not dry) backfill that held the lock or wrote since `since` (ISO time), if any. */
async function backfillSince(state: StateRepository, since: string): Promise<string | undefined> {
  const runs = await state.latestRuns(20)
  return runs.find((run) => !run.dry_run && (run.finished_at ?? run.updated_at) >= since)?.run_id
}

/** The real backfill holding the lock now, if any (a dry run writes nothing, so it does not count). */
async function backfillRunning(state: StateRepository): Promise<string | undefined> {
  const holder = await state.readLock()
  if (!holder) return undefined
  const run = await state.getRun(holder.run_id)
  return run?.dry_run === true ? undefined : holder.run_id
}

const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0)

/**
 * Takes the verify lock, writes the record and starts the verify in the background. Throws
 * RunInProgressError while a real backfill runs and VerifyInProgressError while another verify does.
 */
export async function startVerification(deps: BackfillDeps, options: VerificationOptions): Promise<VerificationHandle> {
  const now = deps.now ?? (() => new Date())
  const state = createStateRepository({ doc: deps.clients.doc, tableName: deps.names.migration, pacer: new Pacer({ concurrency: 8 }) })
  const me = lockOwner()
  const startedAt = now()
  const verificationId = newRunId(startedAt, 'ver')

  const backfill = await backfillRunning(state)
  if (backfill) throw new RunInProgressError(backfill)
  const lock = await takeLock(state.verifyLock, me, verificationId, deps.leaseMs, deps.log)
  if (!lock.acquired) {
    const running = lock.holder?.run_id ?? 'unknown'
    throw withExtras(new VerifyInProgressError(running), { details: { verification_id: running } })
  }

  let pass: VerificationProgress['pass'] = 'legacy'
  let counts: Readonly<VerifyReport> | undefined
  let totalEstimate: number | null = null
  const clock = performance.now()
  const figures = (): VerificationProgress => ({
    pass,
    legacy_read: counts?.legacy.read ?? 0,
    migrated_read: counts ? sumOf(Object.values(counts.tables).map((table) => table.migrated_rows)) : 0,
    differences: counts ? sumOf(Object.values(counts.differences)) : 0,
    total_estimate: totalEstimate,
  })
  function progress(): Required<VerificationProgress> {
    const p = figures()
    const elapsed = (performance.now() - clock) / 1000
    const speed = elapsed > 0 ? (p.legacy_read + p.migrated_read) / elapsed : 0
    const left = pass === 'legacy' && totalEstimate !== null ? Math.max(0, totalEstimate - p.legacy_read) : null
    return { ...p, items_per_s: Math.round(speed), eta_s: left === null || speed <= 0 ? null : Math.round(left / speed) }
  }

  let record: VerificationRecord = {
    verification_id: verificationId,
    status: 'running',
    segments: options.segments,
    page_size: options.pageSize,
    started_at: startedAt.toISOString(),
    updated_at: startedAt.toISOString(),
    owner: me.owner,
    lease_until: Date.now() + deps.leaseMs,
    progress: figures(),
  }
  try {
    await state.putVerification(record)
  } catch (err) {
    await state.verifyLock.releaseLock(me).catch(() => {})
    throw err
  }

  const abort = new AbortController()
  let stopping = false
  const sample: Difference[] = []

  async function heartbeat(): Promise<void> {
    try {
      if (!(await state.verifyLock.renewLock(me, deps.leaseMs))) {
        abort.abort(new Error(`the verify lock of ${verificationId} was lost`))
        return
      }
      const overlap = record.backfill_run_id ?? (await backfillSince(state, record.started_at))
      if (overlap) record.backfill_run_id = overlap
      const ours = await state.updateVerificationProgress({ ...record, progress: figures(), lease_until: Date.now() + deps.leaseMs }, now())
      if (!ours) abort.abort(new Error(`the record of ${verificationId} is no longer this process's`))
    } catch (err) {
      deps.log.warn({ err, verification_id: verificationId }, 'could not renew the verify lock or record progress; retrying')
    }
  }

  async function execute(): Promise<VerificationRecord> {
    // Renews the lease well before it runs out, and lets other instances see the progress.
    const beat = setInterval(() => void heartbeat(), Math.max(500, Math.min(5_000, deps.leaseMs / 3)))
    beat.unref()
    let status: VerificationRecord['status'] = 'done'
    let report: VerifyReport | undefined
    let error: string | undefined
    try {
      const legacy = createLegacyRepository({
        doc: deps.clients.doc,
        client: deps.clients.client,
        tableName: deps.names.legacy,
        readPacer: new Pacer({ concurrency: 2 }),
      })
      totalEstimate = await legacy.countItems().catch(() => null)
      deps.log.info({ verification_id: verificationId, segments: options.segments, total_estimate: totalEstimate }, 'verify started')
      report = await runVerify(deps, {
        ...options,
        signal: abort.signal,
        onDifference: (difference) => {
          if (sample.length < DIFFERENCE_SAMPLE_SIZE)
            sample.push({ ...difference, row: clip(difference.row), detail: clip(difference.detail) })
        },
        onPage: (soFar, at: VerifyPass) => {
          counts = soFar
          pass = at
        },
      })
      pass = 'done'
    } catch (err) {
      status = stopping ? 'interrupted' : 'failed'
      if (!stopping) {
        error = err instanceof Error ? err.message : String(err)
        deps.log.error({ err, verification_id: verificationId }, 'verify failed; start a new one')
      }
    } finally {
      clearInterval(beat)
    }
    const finishedAt = now().toISOString()
    const overlap = record.backfill_run_id ?? (await backfillSince(state, record.started_at).catch(() => undefined))
    record = { ...record, status, updated_at: finishedAt, finished_at: finishedAt, progress: figures() }
    if (overlap) record.backfill_run_id = overlap
    if (report) record.report = { ...report, sample }
    if (error) record.error = error
    try {
      await state.putVerification(record)
    } finally {
      await state.verifyLock.releaseLock(me)
    }
    deps.log.info({ verification_id: verificationId, status, differences: report?.differences }, 'verify ended')
    return record
  }

  return {
    verificationId,
    done: execute(),
    stop() {
      stopping = true
      abort.abort(new Error('stopped'))
    },
    progress,
  }
}
