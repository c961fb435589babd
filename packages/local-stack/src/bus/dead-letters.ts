// The bus's dead-letter store (what EventBridge's rule dead-letter queue is): one JSON line per event
// the bus could not put on its target's queue, in a file that outlives the process. Appends are
// fsynced; listing streams the file; replay rewrites it atomically (tmp + rename).
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BusEvent } from './put-events.ts'

export const DEAD_LETTER_FILE = 'dead-letters.jsonl'

/** An event the bus gave up putting on one rule's target queue. */
export interface DeadLetter {
  /** Id of this dead letter (one event matching two rules gives two). */
  id: string
  eventId: string
  rule: string
  /** The consumer app the rule targets. */
  target: string
  /** The queue the last attempt put on. */
  queueUrl: string
  attempts: number
  lastError: string
  firstAttemptAt: string
  deadLetteredAt: string
  event: BusEvent
}

export type DeadLetterSummary = Omit<DeadLetter, 'event' | 'queueUrl' | 'firstAttemptAt'> & { source: string; detailType: string }

/** Which dead letters to replay: one (by dead-letter id or event id) or all. */
export type ReplayFilter = { id: string } | { all: true }

export interface ReplayReport {
  /** Dead letters that were tried. */
  attempted: number
  /** Put on the target's queue again and removed from the store. */
  delivered: string[]
  /** Still undeliverable; kept, with the attempt counted and the new error. */
  failed: Array<{ id: string; error: string }>
}

/** Outcome of one attempt to put an event on its target's queue. */
export type AttemptResult = { ok: true } | { ok: false; retryable: boolean; error: string }

export interface DeadLetterStore {
  readonly file: string
  /** Appends one dead letter durably (fsync before resolving). */
  append(record: Omit<DeadLetter, 'id'>): Promise<DeadLetter>
  /** Streams the stored dead letters, oldest first, one line in memory at a time. */
  entries(): AsyncGenerator<DeadLetter>
  /** Summaries, oldest first, at most `limit` (default 1000) so a huge file cannot fill memory. */
  list(options?: { limit?: number }): Promise<DeadLetterSummary[]>
  /** Puts the selected dead letters on their queues again one by one; removes those put. */
  replay(filter: ReplayFilter, deliver: (record: DeadLetter) => Promise<AttemptResult>): Promise<ReplayReport>
}

/** The fields `list` shows for a dead letter (no event body). */
export function summarize(record: DeadLetter): DeadLetterSummary {
  const { id, eventId, rule, target, attempts, lastError, deadLetteredAt, event } = record
  return { id, eventId, rule, target, attempts, lastError, deadLetteredAt, source: event.source, detailType: event['detail-type'] }
}

function parseLine(line: string): DeadLetter | undefined {
  if (!line.trim()) return undefined
  try {
    const record = JSON.parse(line) as DeadLetter
    return typeof record.id === 'string' && typeof record.event === 'object' ? record : undefined
  } catch {
    return undefined // a line torn by a crash mid-append; kept in the file, never listed
  }
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0) // signal 0 only checks that the process exists
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Opens (creating on first write) the dead-letter file in `dir`. */
export function openDeadLetterStore(dir: string): DeadLetterStore {
  const file = join(dir, DEAD_LETTER_FILE)
  const lockFile = `${file}.lock`
  let queue: Promise<unknown> = Promise.resolve()

  // One writer at a time: in this process by a promise chain, across processes (a running bus and
  // `f1-local dlq replay`) by an O_EXCL lock file, so a rewrite can never drop a concurrent append.
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      await mkdir(dir, { recursive: true })
      const deadline = Date.now() + 10_000
      for (;;) {
        try {
          await writeFile(lockFile, String(process.pid), { flag: 'wx' })
          break
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
          const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''))
          if (holder > 0 && !processAlive(holder)) await rm(lockFile, { force: true })
          else if (Date.now() > deadline)
            throw new Error(`${lockFile} is held by process ${holder}; remove it if that process is gone`, { cause: err })
          else await sleep(20)
        }
      }
      try {
        return await fn()
      } finally {
        await rm(lockFile, { force: true })
      }
    })
    queue = run.catch(() => undefined)
    return run
  }

  async function append(input: Omit<DeadLetter, 'id'>): Promise<DeadLetter> {
    const record: DeadLetter = { id: randomUUID(), ...input }
    await exclusive(async () => {
      const size = await stat(file).then(
        (s) => s.size,
        () => 0,
      )
      const handle = await open(file, 'a+')
      try {
        // After a crash mid-write the file may end inside a line: start ours on a fresh one.
        let lead = ''
        if (size > 0) {
          const last = Buffer.alloc(1)
          await handle.read(last, 0, 1, size - 1)
          if (last[0] !== 0x0a) lead = '\n'
        }
        await handle.appendFile(`${lead}${JSON.stringify(record)}\n`)
        await handle.datasync()
      } finally {
        await handle.close()
      }
    })
    return record
  }

  async function* lines(): AsyncGenerator<string> {
    const stream = createReadStream(file, { encoding: 'utf8' })
    const missing = new Promise<boolean>((resolve) => {
      stream.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT'))
      stream.once('open', () => resolve(false))
    })
    if (await missing) return
    const reader = createInterface({ input: stream, crlfDelay: Infinity })
    try {
      yield* reader
    } finally {
      reader.close()
      stream.destroy()
    }
  }

  async function* entries(): AsyncGenerator<DeadLetter> {
    for await (const line of lines()) {
      const record = parseLine(line)
      if (record) yield record
    }
  }

  async function list(options: { limit?: number } = {}): Promise<DeadLetterSummary[]> {
    const limit = options.limit ?? 1000
    const out: DeadLetterSummary[] = []
    for await (const record of entries()) {
      if (out.length >= limit) break
      out.push(summarize(record))
    }
    return out
  }

  /** Rewrites the file: drops `remove`, counts one more failed attempt on `failed`; every other line is kept as it is. */
  function rewrite(remove: ReadonlySet<string>, failed: ReadonlyMap<string, { error: string; at: string }>): Promise<void> {
    return exclusive(async () => {
      const tmp = `${file}.${process.pid}.tmp`
      const out = await open(tmp, 'w')
      try {
        for await (const line of lines()) {
          if (!line.trim()) continue
          const record = parseLine(line)
          if (record && remove.has(record.id)) continue
          const failure = record && failed.get(record.id)
          const replaced =
            record && failure
              ? { ...record, attempts: record.attempts + 1, lastError: failure.error, deadLetteredAt: failure.at }
              : undefined
          await out.write(`${replaced ? JSON.stringify(replaced) : line}\n`)
        }
        await out.datasync()
      } finally {
        await out.close()
      }
      await rename(tmp, file)
      // Make the rename itself durable.
      const dirHandle = await open(dir, 'r')
      await dirHandle.sync().catch(() => undefined)
      await dirHandle.close()
    })
  }

  async function replay(filter: ReplayFilter, deliver: (record: DeadLetter) => Promise<AttemptResult>): Promise<ReplayReport> {
    const report: ReplayReport = { attempted: 0, delivered: [], failed: [] }
    const failed = new Map<string, { error: string; at: string }>()
    // Deliveries happen outside the lock (they can be slow); only the final rewrite holds it.
    for await (const record of entries()) {
      if (!('all' in filter) && record.id !== filter.id && record.eventId !== filter.id) continue
      report.attempted++
      const result = await deliver(record)
      if (result.ok) report.delivered.push(record.id)
      else {
        report.failed.push({ id: record.id, error: result.error })
        failed.set(record.id, { error: result.error, at: new Date().toISOString() })
      }
    }
    if (report.attempted > 0) await rewrite(new Set(report.delivered), failed)
    return report
  }

  return { file, append, entries, list, replay }
}
