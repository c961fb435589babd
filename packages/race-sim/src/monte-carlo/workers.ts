// Monte Carlo off the main thread: a pool of worker threads that share out the runs of every study
// in chunks, taking the studies in turn (a small study is not stuck behind a big one), so a service
// keeps answering while studies run. A study stops between chunks when its signal aborts. Runs are
// seeded per run index, so the result equals runMonteCarlo's for the same seed.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { RaceParams } from '../catalog/types.ts'
import type { MonteCarloResult, RaceResult, SingleCarResult } from '../contract.ts'
import { RaceSimError, type RaceSimErrorCode } from '../errors.ts'
import { prepareRace } from '../race/prepare.ts'
import { dispatchSimulation } from '../simulate.ts'
import { monteCarloJob, summarise, type MonteCarloJob, type MonteCarloOptions, type RunOutcomes } from './monte-carlo.ts'
import type { ChunkReply, ChunkRequest } from './worker.ts'

/** Runs per message: small enough to share workers between concurrent studies, big enough to amortise a message. */
const CHUNK_RUNS = 100

export interface MonteCarloPool {
  /**
   * Runs a study on the pool's workers. Rejects with RaceSimError on a bad strategy, and with the
   * signal's reason when it aborts (no chunk of the study starts after that).
   */
  run(race: RaceParams, options: MonteCarloOptions, signal?: AbortSignal): Promise<MonteCarloResult>
  /** Terminates the workers; pending studies reject. */
  close(): Promise<void>
}

interface Study {
  job: MonteCarloJob
  outcomes: RunOutcomes[]
  /** The first run not yet handed to a worker. */
  next: number
  /** Chunks handed out and not yet back. */
  running: number
  failed: boolean
  resolve: (result: MonteCarloResult) => void
  reject: (err: Error) => void
}

interface Chunk {
  study: Study
  from: number
  to: number
}

/**
 * Starts a worker on worker.ts. The package runs as TypeScript through tsx, but Node 20 does not
 * apply `--import tsx` to worker threads: the worker registers tsx itself before loading its entry.
 */
function startWorker(): Worker {
  const entry = new URL('./worker.ts', import.meta.url)
  let tsx: string | undefined
  try {
    tsx = import.meta.resolve('tsx/esm/api')
  } catch {
    tsx = undefined
  }
  if (tsx === undefined) return new Worker(entry)
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(bootstrap, { eval: true })
}

/** The default pool size: every core but one, which stays with the caller's event loop. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1)
}

/**
 * A pool of `size` worker threads, started on first use. Idle workers do not keep the process
 * alive, so a pool nobody closes does not hang a CLI or a test run.
 */
export function createMonteCarloPool(size = defaultWorkerCount()): MonteCarloPool {
  /** Studies with runs not yet handed out, served in turn. */
  const waiting: Study[] = []
  const all: Worker[] = []
  const idle: Worker[] = []
  const busy = new Map<Worker, { id: number; chunk: Chunk }>()
  let nextId = 0
  let turn = 0
  let closed = false

  const fail = (study: Study, err: Error): void => {
    if (study.failed) return
    study.failed = true
    const at = waiting.indexOf(study)
    if (at >= 0) waiting.splice(at, 1)
    study.reject(err)
  }

  /** The next chunk, taking the waiting studies in turn. */
  const nextChunk = (): Chunk | undefined => {
    if (waiting.length === 0) return undefined
    turn %= waiting.length
    const study = waiting[turn]!
    const from = study.next
    const to = Math.min(from + CHUNK_RUNS, study.job.runs)
    study.next = to
    study.running++
    if (to >= study.job.runs) waiting.splice(turn, 1)
    else turn++
    return { study, from, to }
  }

  const settle = (worker: Worker, reply: ChunkReply): void => {
    const current = busy.get(worker)
    busy.delete(worker)
    worker.unref()
    idle.push(worker)
    if (current === undefined || current.id !== reply.id) return
    const { study } = current.chunk
    study.running--
    if (!reply.ok) {
      const { code, message, details } = reply.error
      fail(study, code === undefined ? new Error(message) : new RaceSimError(code as RaceSimErrorCode, message, details))
    } else {
      study.outcomes.push(reply.outcome)
      if (study.running === 0 && study.next >= study.job.runs && !study.failed) study.resolve(summarise(study.job, study.outcomes))
    }
  }

  const spawn = (): Worker => {
    const worker = startWorker()
    all.push(worker)
    worker.on('message', (reply: ChunkReply) => {
      settle(worker, reply)
      dispatch()
    })
    worker.on('error', (err) => {
      // A crashed worker is dropped; its chunk's study fails, the others carry on with a new one.
      const current = busy.get(worker)
      busy.delete(worker)
      all.splice(all.indexOf(worker), 1)
      const at = idle.indexOf(worker)
      if (at >= 0) idle.splice(at, 1)
      if (current !== undefined) fail(current.chunk.study, err)
      if (!closed) dispatch()
    })
    return worker
  }

  const dispatch = (): void => {
    while (waiting.length > 0) {
      // A new worker is usable at once: messages wait in its port until it listens.
      if (idle.length === 0 && all.length < size) idle.push(spawn())
      if (idle.length === 0) return
      const chunk = nextChunk()
      if (chunk === undefined) return
      const worker = idle.pop()!
      const id = nextId++
      busy.set(worker, { id, chunk })
      worker.ref()
      const request: ChunkRequest = { id, job: chunk.study.job, from: chunk.from, to: chunk.to }
      worker.postMessage(request)
    }
  }

  return {
    run(race, options, signal) {
      if (closed) return Promise.reject(new Error('the Monte Carlo pool is closed'))
      if (signal?.aborted) return Promise.reject(signal.reason as Error)
      try {
        // Validate on the caller's thread, so a bad strategy fails fast with its RaceSimError.
        prepareRace(race, options.override)
      } catch (err) {
        return Promise.reject(err)
      }
      const job = monteCarloJob(race, options)
      return new Promise<MonteCarloResult>((resolve, reject) => {
        const study: Study = { job, outcomes: [], next: 0, running: 0, failed: false, resolve, reject }
        if (signal) {
          const onAbort = () => fail(study, signal.reason as Error)
          signal.addEventListener('abort', onAbort, { once: true })
          const done = () => signal.removeEventListener('abort', onAbort)
          study.resolve = (result) => (done(), resolve(result))
          study.reject = (err) => (done(), reject(err))
        }
        waiting.push(study)
        dispatch()
      })
    },
    async close() {
      closed = true
      for (const { chunk } of busy.values()) fail(chunk.study, new Error('the Monte Carlo pool was closed'))
      for (const study of [...waiting]) fail(study, new Error('the Monte Carlo pool was closed'))
      await Promise.all(all.splice(0).map((w) => w.terminate()))
    },
  }
}

/** One study on a pool of its own, closed afterwards (a service should keep one pool instead). */
export async function runMonteCarloInWorkers(race: RaceParams, options: MonteCarloOptions & { workers?: number }): Promise<MonteCarloResult> {
  const pool = createMonteCarloPool(options.workers)
  try {
    return await pool.run(race, options)
  } finally {
    await pool.close()
  }
}

/**
 * Runs a request of any mode, as a service would: single car and race in this thread (well under a
 * millisecond), Monte Carlo on the pool. Rejects with RaceSimError on a bad request.
 */
export async function simulateWithPool(pool: MonteCarloPool, request: unknown): Promise<SingleCarResult | RaceResult | MonteCarloResult> {
  return dispatchSimulation(request, (race, options) => pool.run(race, options))
}
