// The race engine for the routes (`app.engine`): one Monte Carlo worker pool per app, closed with it,
// so studies run off the event loop; single-car and full races run in this thread (under a
// millisecond each, less than a round trip to a worker). Bad input rejects with RaceSimError (400).
import fp from 'fastify-plugin'
import type { OptimizeBody, OptimizeResult, SimulationMode, SimulationRequest, Track } from '@f1/contracts/simulations'
import { listTracks } from '@f1/race-sim/catalog'
import type { MonteCarloResult, RaceResult, SingleCarResult } from '@f1/race-sim/contract'
import { runOptimization } from '@f1/race-sim/optimizer'
import { resolveRequest, simulateRace, simulateSingleCar } from '@f1/race-sim/simulate'
import { createMonteCarloPool, defaultWorkerCount, type MonteCarloPool } from '@f1/race-sim/workers'

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

/** A simulation request as the engine takes it: the client's, without the gateway's operation. */
export type EngineRequest = Omit<SimulationRequest, 'operation'>

export interface SimulationEngine {
  /** Runs a request; a Monte Carlo study stops between chunks when `signal` aborts. */
  simulate(request: EngineRequest, signal?: AbortSignal): Promise<EngineRun>
  optimize(body: OptimizeBody): OptimizeResult
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
export async function runEngine(pool: MonteCarloPool, request: EngineRequest, signal?: AbortSignal): Promise<EngineRun> {
  signal?.throwIfAborted()
  const r = resolveRequest(request)
  const base = { trackId: r.race.trackId, season: r.race.season, mode: r.mode, driver: r.driver }
  // The request's strategy replaces its driver's; every other car keeps the parameter file's unless
  // the request's strategies name him (resolveRequest puts those in r.race).
  const override = r.driver !== undefined && r.stints !== undefined ? { driver: r.driver, stints: r.stints } : undefined
  switch (r.mode) {
    case 'single': {
      const results = simulateSingleCar(r.race, r.driver!, r.stints)
      return { ...base, results, totalTime: results.race_time }
    }
    case 'race': {
      const results = simulateRace(r.race, override)
      const entry = results.classification.find((e) => e.driver === r.driver)
      return { ...base, results, totalTime: entry?.status === 'finished' ? entry.race_time : null }
    }
    case 'monte_carlo': {
      const results = await pool.run(r.race, { override, runs: r.runs, seed: r.seed }, signal)
      return { ...base, results, totalTime: results.drivers.find((d) => d.driver === r.driver)?.race_time?.p50 ?? null }
    }
  }
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
      simulate: (request, signal) => runEngine(pool, request, signal),
      optimize: (body) => runOptimization(body),
      tracks: () => tracks,
      pool,
    } satisfies SimulationEngine)
    app.addHook('onClose', async () => pool.close())
  },
  { name: 'simulation-engine', fastify: '5.x' },
)
