// Monte Carlo studies shared out over a fixed number of workers: each study's runs are cut into
// chunks and the studies take turns (a small study is not stuck behind a big one). At most one chunk
// per worker is handed out at a time, so the turns are decided here, not in a queue downstream. A
// study stops between chunks when its signal aborts. Runs are seeded per run index, so the result
// equals runMonteCarlo's for the same seed, however the chunks fall.
import type { RaceParams } from '../catalog/types.ts'
import type { MonteCarloResult } from '../contract.ts'
import { RaceSimError, type RaceSimErrorCode } from '../errors.ts'
import { prepareRace } from '../race/prepare.ts'
import { monteCarloJob, summarise, type MonteCarloJob, type MonteCarloOptions, type RunOutcomes } from './monte-carlo.ts'
import type { ChunkResult, ChunkTask } from './worker.ts'

/** Runs per chunk: small enough to share workers between concurrent studies, big enough to amortise a message. */
const CHUNK_RUNS = 100

/** Told after each chunk of a study comes back: runs finished so far, of the study's runs (a job's progress). */
export type ProgressListener = (runsDone: number, runsTotal: number) => void

export interface MonteCarloPool {
  /**
   * Runs a study on the pool's workers. Rejects with RaceSimError on a bad strategy, and with the
   * signal's reason when it aborts (no chunk of the study starts after that).
   *
   * `stop` ends the study early but keeps what ran: no chunk starts after it aborts, the chunks
   * running finish, and the study resolves with the summary of runs [0, k) (`runs` = k), which is
   * runMonteCarlo's for the same seed and k runs; with no run finished it rejects with stop's reason.
   */
  run(
    race: RaceParams,
    options: MonteCarloOptions,
    signal?: AbortSignal,
    onProgress?: ProgressListener,
    stop?: AbortSignal,
  ): Promise<MonteCarloResult>
  /** Terminates the workers; pending studies reject. */
  close(): Promise<void>
}

/** What runs the chunks: `size` workers, each given one chunk at a time. */
export interface ChunkRunner {
  size: number
  /** Runs a chunk on a free worker; rejects when the worker fails. */
  run(task: ChunkTask): Promise<ChunkResult>
  /** Stops the workers; chunks still running reject. */
  close(): Promise<void>
}

interface Study {
  job: MonteCarloJob
  outcomes: RunOutcomes[]
  /** The first run not yet handed to a worker. */
  next: number
  /** Chunks handed out and not yet back. */
  running: number
  /** Runs whose chunks came back. */
  done: number
  onProgress: ProgressListener | undefined
  failed: boolean
  /** Stopped early (run's `stop`): no more chunks are handed out; it ends with the runs done. */
  stopped: Error | undefined
  resolve: (result: MonteCarloResult) => void
  reject: (err: Error) => void
}

export interface ScheduledPool extends MonteCarloPool {
  /** Fails every open study with `err` and refuses new ones: the workers can no longer run chunks. */
  halt(err: Error): void
}

/** A Monte Carlo pool whose studies' chunks run on `runner`'s workers. */
export function scheduleStudies(runner: ChunkRunner): ScheduledPool {
  /** Studies with runs not yet handed out, served in turn. */
  const waiting: Study[] = []
  /** Studies not yet resolved or rejected. */
  const open = new Set<Study>()
  let handedOut = 0
  let turn = 0
  let closed = false
  /** Why new studies are refused, once the pool is closed or halted. */
  let refusal: Error | undefined

  const fail = (study: Study, err: Error): void => {
    if (study.failed) return
    study.failed = true
    open.delete(study)
    const at = waiting.indexOf(study)
    if (at >= 0) waiting.splice(at, 1)
    study.reject(err)
  }

  const settle = (study: Study, result: ChunkResult, runs: number): void => {
    if (study.failed) return
    if (!result.ok) {
      const { code, message, details } = result.error
      fail(study, new RaceSimError(code as RaceSimErrorCode, message, details))
      return
    }
    study.outcomes.push(result.outcome)
    study.done += runs
    if (study.onProgress) {
      try {
        study.onProgress(study.done, study.job.runs)
      } catch {
        // A listener's failure is its own: the study carries on.
      }
    }
    end(study)
  }

  /** Resolves a study once its chunks are all back: every run, or (stopped) the runs handed out, a prefix. */
  const end = (study: Study): void => {
    if (study.failed || study.running > 0) return
    if (study.next >= study.job.runs) {
      open.delete(study)
      study.resolve(summarise(study.job, study.outcomes))
    } else if (study.stopped) {
      open.delete(study)
      // Every chunk handed out came back: the outcomes cover runs [0, done), what a study of `done` runs gives.
      if (study.done === 0) study.reject(study.stopped)
      else study.resolve(summarise({ ...study.job, runs: study.done }, study.outcomes))
    }
  }

  /** Stops handing out a study's chunks; it ends with its runs done once the running ones are back. */
  const stopStudy = (study: Study, reason: Error): void => {
    if (study.failed || study.stopped || !open.has(study)) return
    study.stopped = reason
    const at = waiting.indexOf(study)
    if (at >= 0) waiting.splice(at, 1)
    end(study)
  }

  /** Hands out chunks, taking the waiting studies in turn, while a worker is free. */
  const dispatch = (): void => {
    while (!closed && waiting.length > 0 && handedOut < runner.size) {
      turn %= waiting.length
      const study = waiting[turn]!
      const from = study.next
      const to = Math.min(from + CHUNK_RUNS, study.job.runs)
      study.next = to
      study.running++
      if (to >= study.job.runs) waiting.splice(turn, 1)
      else turn++
      handedOut++
      const back = () => {
        handedOut--
        study.running--
      }
      runner.run({ job: study.job, from, to }).then(
        (result) => {
          back()
          settle(study, result, to - from)
          dispatch()
        },
        (err: Error) => {
          // A failed worker fails its chunk's study; the other studies carry on.
          back()
          fail(study, err)
          dispatch()
        },
      )
    }
  }

  return {
    run(race, options, signal, onProgress, stop) {
      if (closed) return Promise.reject(refusal ?? new Error('the Monte Carlo pool is closed'))
      if (signal?.aborted) return Promise.reject(signal.reason as Error)
      if (stop?.aborted) return Promise.reject(stop.reason as Error)
      try {
        // Validate on the caller's thread, so a bad strategy fails fast with its RaceSimError.
        prepareRace(race, options.override)
      } catch (err) {
        return Promise.reject(err)
      }
      const job = monteCarloJob(race, options)
      return new Promise<MonteCarloResult>((resolve, reject) => {
        const study: Study = { job, outcomes: [], next: 0, running: 0, done: 0, onProgress, failed: false, stopped: undefined, resolve, reject }
        const onAbort = () => fail(study, signal!.reason as Error)
        const onStop = () => stopStudy(study, stop!.reason as Error)
        signal?.addEventListener('abort', onAbort, { once: true })
        stop?.addEventListener('abort', onStop, { once: true })
        if (signal || stop) {
          const done = () => {
            signal?.removeEventListener('abort', onAbort)
            stop?.removeEventListener('abort', onStop)
          }
          study.resolve = (result) => (done(), resolve(result))
          study.reject = (err) => (done(), reject(err))
        }
        open.add(study)
        waiting.push(study)
        dispatch()
      })
    },
    halt(err) {
      if (closed) return
      closed = true
      refusal = err
      for (const study of [...open]) fail(study, err)
    },
    async close() {
      closed = true
      for (const study of [...open]) fail(study, new Error('the Monte Carlo pool was closed'))
      await runner.close()
    },
  }
}
