// Monte Carlo off the main thread, on a piscina pool of worker threads, so a service keeps answering
// while studies run: piscina starts, feeds, replaces and stops the workers; scheduler.ts decides
// which study's chunk runs next.
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import type { RaceParams } from '../catalog/types.ts'
import type { MonteCarloResult, RaceResult, SingleCarResult } from '../contract.ts'
import { dispatchSimulation } from '../simulate.ts'
import type { MonteCarloOptions } from './monte-carlo.ts'
import { scheduleStudies, type MonteCarloPool } from './scheduler.ts'
import type { ChunkResult, ChunkTask } from './worker.ts'

export type { MonteCarloPool, ProgressListener } from './scheduler.ts'

/**
 * The file the worker threads load. From TypeScript sources (tests, `pnpm dev`) it is
 * worker-entry.mjs, which registers tsx (Node 20 does not pass `--import tsx` on to worker threads)
 * and loads worker.ts. From an app's bundle (this module then lives inside dist/*.js) no TypeScript
 * loader exists: the app's build emits the worker as BUILT_WORKER_FILE beside the bundle
 * (deploy/src/bundle.mjs).
 */
export const BUILT_WORKER_FILE = 'monte-carlo-worker.js'
export function workerFile(moduleUrl: string = import.meta.url): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './worker-entry.mjs' : `./${BUILT_WORKER_FILE}`, moduleUrl)
}

/** The default pool size: every core but one, which stays with the caller's event loop. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1)
}

/**
 * A pool of `size` worker threads, started on first use and kept while the pool is open. Idle
 * workers do not keep the process alive, so a pool nobody closes does not hang a CLI or a test run.
 */
export function createMonteCarloPool(size = defaultWorkerCount()): MonteCarloPool {
  const piscina = new Piscina<ChunkTask, ChunkResult>({
    filename: workerFile().href,
    minThreads: 0,
    maxThreads: size,
    idleTimeout: Infinity,
    // Workers that wait for tasks in Atomics.wait cost ~8% more CPU and time for the same studies
    // on 2 workers (bench/worker-pool.ts); waiting on messages, piscina matches our former pool.
    atomics: 'disabled',
  })
  const pool = scheduleStudies({ size, run: (task) => piscina.run(task), close: () => piscina.destroy() })
  // Only a worker that fails outside a task is reported here, above all one that could not load its
  // code, after which piscina starts no more workers: the studies fail now instead of waiting for ever.
  piscina.on('error', (err: Error) => pool.halt(err))
  return pool
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
