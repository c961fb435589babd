// Monte Carlo: many races with random yellows, accidents, failures, lap-time noise, start
// performance and pit stop times, summarised per driver. Run i uses the stream (seed, i), so the
// result depends on the seed only, not on the machine or on how runs are split across workers.
import { MCS, raceNoise } from '../catalog/mcs.ts'
import type { McsParams, RaceParams } from '../catalog/types.ts'
import type { MonteCarloDriverResult, MonteCarloResult, RaceWarning } from '../contract.ts'
import { runRace } from '../race/engine.ts'
import { timeEvents } from '../race/fcy-timing.ts'
import { lapsDone } from '../race/finish.ts'
import { prepareRace, runRecordedRace, type StrategyOverride } from '../race/prepare.ts'
import { raceWarnings } from '../race/warnings.ts'
import type { DriverNoise } from '../race/setup.ts'
import { createWorkspace } from '../race/workspace.ts'
import { createRng } from '../random.ts'
import { roundMs } from '../round.ts'
import { randomEvents } from './events.ts'

/** Everything a run needs, as plain data (it crosses to worker threads by structured clone). */
export interface MonteCarloJob {
  race: RaceParams
  override?: StrategyOverride
  noise: DriverNoise[]
  fcy: McsParams['fcy']
  seed: number
  runs: number
}

/** Outcomes of runs [from, to): per run, per driver (in `codes` order). */
export interface RunOutcomes {
  codes: string[]
  from: number
  to: number
  position: Int32Array<ArrayBuffer>
  /** Race time over the laps completed; NaN for a retirement. */
  raceTime: Float64Array<ArrayBuffer>
  /**
   * Runs in which a driver, still running, held a position at the end of a lap: index
   * ((lap - 1) * n + driver) * n + position - 1. A histogram, so chunks add up and it stays small.
   */
  lapPositions: Int32Array<ArrayBuffer>
}

export interface MonteCarloOptions {
  override?: StrategyOverride | undefined
  runs: number
  seed: number
}

/** A study's job: the race, its drivers' random-influence figures and the run count and seed. */
export function monteCarloJob(race: RaceParams, options: MonteCarloOptions): MonteCarloJob {
  const job: MonteCarloJob = { race, noise: raceNoise(race), fcy: MCS.fcy, seed: options.seed >>> 0, runs: options.runs }
  if (options.override !== undefined) job.override = options.override
  return job
}

/** Simulates runs [from, to) of a job. */
export function runChunk(job: MonteCarloJob, from: number, to: number): RunOutcomes {
  const prepared = prepareRace(job.race, job.override, job.noise)
  const { setup } = prepared
  const { n, laps } = setup
  const w = createWorkspace(setup)
  const count = to - from
  const position = new Int32Array(count * n)
  const raceTime = new Float64Array(count * n)
  const lapPositions = new Int32Array(laps * n * n)
  for (let run = from; run < to; run++) {
    const rng = createRng(job.seed, run)
    const events = randomEvents(setup, job.fcy, rng)
    const timed = timeEvents(job.race, prepared.refDriver, prepared.refLaps, prepared.refStints, events.phases, events.retireProgress)
    runRace(setup, timed.phases, timed.retirements, w, rng)
    const at = (run - from) * n
    for (let d = 0; d < n; d++) {
      position[at + d] = w.pos[laps * n + d]!
      raceTime[at + d] = w.retireLap[d]! <= laps ? NaN : w.raceTime[lapsDone(setup, w, d) * n + d]!
    }
    // A lap not driven (retired, or lapped at the flag) has no time and counts nowhere.
    for (let lap = 1; lap <= laps; lap++) {
      const row = lap * n
      for (let d = 0; d < n; d++) if (w.lapTime[row + d] === w.lapTime[row + d]) lapPositions[((lap - 1) * n + d) * n + w.pos[row + d]! - 1]!++
    }
  }
  return { codes: setup.codes, from, to, position, raceTime, lapPositions }
}

/** Linear interpolation between order statistics (numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!)
}

/** Driver d's position at the end of every lap over the runs he was still running in (a fan chart). */
function positionsByLap(chunks: readonly RunOutcomes[], n: number, runs: number, d: number): MonteCarloDriverResult['position_by_lap'] {
  const laps = chunks.length === 0 ? 0 : chunks[0]!.lapPositions.length / (n * n)
  const out: MonteCarloDriverResult['position_by_lap'] = { running: [], mean: [], p10: [], p50: [], p90: [] }
  const counts = new Array<number>(n)
  for (let lap = 1; lap <= laps; lap++) {
    counts.fill(0)
    const at = ((lap - 1) * n + d) * n
    for (const chunk of chunks) for (let p = 0; p < n; p++) counts[p]! += chunk.lapPositions[at + p]!
    const total = counts.reduce((a, b) => a + b, 0)
    out.running.push(total / runs)
    let sum = 0
    for (let p = 0; p < n; p++) sum += (p + 1) * counts[p]!
    out.mean.push(total === 0 ? null : Math.round((sum / total) * 100) / 100)
    out.p10.push(histogramQuantile(counts, total, 0.1))
    out.p50.push(histogramQuantile(counts, total, 0.5))
    out.p90.push(histogramQuantile(counts, total, 0.9))
  }
  return out
}

/** The smallest position with at least q of the runs at or ahead of it; null when no run counts. */
function histogramQuantile(counts: readonly number[], total: number, q: number): number | null {
  if (total === 0) return null
  let seen = 0
  for (let p = 0; p < counts.length; p++) {
    seen += counts[p]!
    if (seen >= q * total) return p + 1
  }
  return counts.length
}

/** Win, podium and position shares and race-time quantiles per driver, from all runs' outcomes. */
export function summarise(job: MonteCarloJob, chunks: readonly RunOutcomes[]): MonteCarloResult {
  const codes = chunks[0]?.codes ?? []
  const n = codes.length
  const runs = job.runs
  const ordered = [...chunks].sort((a, b) => a.from - b.from)
  const drivers: MonteCarloDriverResult[] = codes.map((code, d) => {
    const counts = new Array<number>(n + 1).fill(0)
    let dnf = 0
    const times: number[] = []
    for (const chunk of ordered) {
      for (let r = 0; r < chunk.to - chunk.from; r++) {
        counts[chunk.position[r * n + d]!]!++
        const t = chunk.raceTime[r * n + d]!
        if (t === t) times.push(t)
        else dnf++
      }
    }
    const sorted = Float64Array.from(times).sort()
    const byLap = positionsByLap(chunks, n, runs, d)
    const positions: Record<string, number> = {}
    for (let p = 1; p <= n; p++) if (counts[p]! > 0) positions[String(p)] = counts[p]! / runs
    return {
      driver: code,
      win: counts[1]! / runs,
      podium: (counts[1]! + counts[2]! + counts[3]!) / runs,
      positions,
      dnf: dnf / runs,
      race_time: sorted.length === 0 ? null : { p10: roundMs(quantile(sorted, 0.1)), p50: roundMs(quantile(sorted, 0.5)), p90: roundMs(quantile(sorted, 0.9)) },
      position_by_lap: byLap,
    }
  })
  drivers.sort((a, b) => b.win - a.win || b.podium - a.podium || a.driver.localeCompare(b.driver))
  return { runs, seed: job.seed, drivers, warnings: studyWarnings(job) }
}

/**
 * The study's warnings: its yellows and retirements are drawn, so they are those of the race run
 * once without any (well under a millisecond): recorded phases do not apply, and without a yellow
 * to save fuel a car short of it runs dry.
 */
function studyWarnings(job: MonteCarloJob): RaceWarning[] {
  const { prepared, workspace } = runRecordedRace({ ...job.race, events: { fcyPhases: [], retirements: [] } }, job.override)
  return raceWarnings(prepared, workspace)
}

/** A Monte Carlo study in this thread (pure; see workers.ts to keep a service's event loop free). */
export function runMonteCarlo(race: RaceParams, options: MonteCarloOptions): MonteCarloResult {
  const job = monteCarloJob(race, options)
  return summarise(job, [runChunk(job, 0, job.runs)])
}
