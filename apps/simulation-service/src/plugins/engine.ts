// The race engine for the routes (`app.engine`): one Monte Carlo worker pool per app, closed with it,
// so studies run off the event loop; single-car and full races run in this thread (under a
// millisecond each, less than a round trip to a worker). Bad input rejects with RaceSimError (400).
import fp from 'fastify-plugin'
import type { OptimizeBody, OptimizeResult, SimulationMode, SimulationRequest, Track } from '@f1/contracts/simulations'
import { listTracks } from '@f1/race-sim/catalog'
import type { MonteCarloResult, RaceResult, SingleCarResult } from '@f1/race-sim/contract'
import { runOptimization } from '@f1/race-sim/optimizer'
import { resolveRequest, runResolved } from '@f1/race-sim/simulate'
import { createMonteCarloPool, defaultWorkerCount, type MonteCarloPool, type ProgressListener } from '@f1/race-sim/workers'

export type EngineResults = SingleCarResult | RaceResult | MonteCarloResult

/** What a simulation gave, with the request resolved against the catalog. */
export interface EngineRun {
  /** The catalog's id, whatever name the request used. */
  trackId: string
  season: number
  mode: SimulationMode
  /** The driver's code as the catalog spells it; undefined when the request named none. */
  driver: string | undefined
  results: EngineResults
  /** The driver's race time: the median in Monte Carlo; null without a driver, or when he retired. */
  totalTime: number | null
}

/** What a job keeps: a simulation's results, or an optimizer's (mode optimize), and its total_time. */
export interface JobResults {
  results: EngineResults | OptimizeResult
  totalTime: number | null
}

/** An optimizer job's results: total_time is the median of the strategy its Monte Carlo ranks first. */
export function optimizeJobResults(results: OptimizeResult): JobResults {
  return { results, totalTime: results.in_monte_carlo?.candidates[0]?.race_time_p50 ?? null }
}

/** A simulation request as the engine takes it: the client's, without the gateway's operation. */
export type EngineRequest = Omit<SimulationRequest, 'operation'>

export interface SimulationEngine {
  /**
   * Runs a request; a Monte Carlo study stops between chunks when `signal` aborts and tells `onProgress` after each.
   * When `stop` aborts, a Monte Carlo study ends early with the runs it finished (results.runs, a prefix of the
   * study's runs), or rejects with stop's reason when none finished (see MonteCarloPool.run).
   */
  simulate(request: EngineRequest, signal?: AbortSignal, onProgress?: ProgressListener, stop?: AbortSignal): Promise<EngineRun>
  /**
   * The optimizer; its Monte Carlo re-evaluation (evaluate_runs) runs on the pool, stops when `signal` aborts,
   * tells `onProgress` after each chunk and, when `stop` aborts, ends early as `simulate`'s study does.
   */
  optimize(body: OptimizeBody, signal?: AbortSignal, onProgress?: ProgressListener, stop?: AbortSignal): Promise<OptimizeResult>
  tracks(): Track[]
  /** The Monte Carlo workers (closed with the app). */
  readonly pool: MonteCarloPool
}

declare module 'fastify' {
  interface FastifyInstance {
    engine: SimulationEngine
  }
}

/** Runs a request: resolves it (RaceSimError on bad input), then the mode's simulation. */
export async function runEngine(
  pool: MonteCarloPool,
  request: EngineRequest,
  signal?: AbortSignal,
  onProgress?: ProgressListener,
  stop?: AbortSignal,
): Promise<EngineRun> {
  signal?.throwIfAborted()
  const r = resolveRequest(request)
  const base = { trackId: r.race.trackId, season: r.race.season, mode: r.mode, driver: r.driver }
  // The request's strategy replaces its driver's; every other car keeps the parameter file's unless
  // the request's strategies name him (resolveRequest puts those in r.race).
  const results = await runResolved(r, (race, options) => pool.run(race, options, signal, onProgress, stop))
  return { ...base, results, totalTime: totalTime(r.driver, results) }
}

/** The driver's race time: his own alone, his finishing time in a race, the median in Monte Carlo. */
function totalTime(driver: string | undefined, results: EngineResults): number | null {
  if ('drivers' in results) return results.drivers.find((d) => d.driver === driver)?.race_time?.p50 ?? null
  if ('classification' in results) {
    const entry = results.classification.find((e) => e.driver === driver)
    return entry?.status === 'finished' ? entry.race_time : null
  }
  return results.race_time
}

export default fp<{ workers?: number | undefined }>(
  async (app, options) => {
    const pool = createMonteCarloPool(options.workers ?? defaultWorkerCount())
    // The catalog never changes while the process runs.
    const tracks: Track[] = listTracks().map(({ id, name, country, city, aliases, seasons, laps, warnings }) => ({
      id,
      name,
      country,
      city,
      aliases: [...aliases],
      seasons,
      laps,
      warnings,
    }))
    app.decorate('engine', {
      simulate: (request, signal, onProgress, stop) => runEngine(pool, request, signal, onProgress, stop),
      optimize: (body, signal, onProgress, stop) =>
        runOptimization(body, (race, options) => pool.run(race, options, signal, onProgress, stop)),
      tracks: () => tracks,
      pool,
    } satisfies SimulationEngine)
    app.addHook('onClose', async () => pool.close())
  },
  { name: 'simulation-engine', fastify: '5.x' },
)
