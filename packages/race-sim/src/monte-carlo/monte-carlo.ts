// Monte Carlo: many races with random yellows, accidents, failures, lap-time noise, start
// performance and pit stop times, summarised per driver. Run i uses the stream (seed, i), so the
// result depends on the seed only, not on the machine or on how runs are split across workers.
import { MCS, raceNoise } from '../catalog/mcs.ts'
import type { McsParams, RaceParams } from '../catalog/types.ts'
import type { MonteCarloDriverResult, MonteCarloResult, RaceWarning } from '../contract.ts'
import { runRace } from '../race/engine.ts'
import { createTimingBuffers, timeEvents } from '../race/fcy-timing.ts'
import { lapsDone } from '../race/finish.ts'
import { prepareRace, runRecordedRace, type StrategyOverride } from '../race/prepare.ts'
import { raceWarnings } from '../race/warnings.ts'
import type { DriverNoise } from '../race/setup.ts'
import { createRunNoise, seedRunNoise } from '../race/noise.ts'
import { DEFAULT_STRATEGY_ENGINEER, engineerJson, type StrategyEngineer } from '../race/strategy-engineer.ts'
import { createWorkspace, STOP_COVER, STOP_YELLOW, type Workspace } from '../race/workspace.ts'
import type { RaceSetup } from '../race/setup.ts'
import { createRng } from '../random.ts'
import { quantile } from './stats.ts'
import { candidateOutcomes, pairedComparison, sensitivitySweeps } from './variants.ts'
import { roundMs } from '../round.ts'
import { eventTables, randomEvents } from './events.ts'

/** Everything a run needs, as plain data (it crosses to worker threads by structured clone). */
export interface MonteCarloJob {
  race: RaceParams
  override?: StrategyOverride
  noise: DriverNoise[]
  fcy: McsParams['fcy']
  seed: number
  runs: number
  engineer: StrategyEngineer | null
  /** Races run beside the study's, run by run on the same seeds, for one driver's outcomes. */
  variants?: { driver: string; list: StudyVariant[] }
}

/**
 * A race run beside a study's on the same seeds: another strategy for one driver (a paired
 * comparison) or changed figures (a sensitivity sweep). Same fcy figures, same events.
 */
export interface StudyVariant {
  /** What it changes: the driver's strategy (paired comparison), or one figure by a percentage (sensitivity). */
  label: { kind: 'strategy' } | { kind: 'candidate'; index: number } | { kind: SensitivityParameter; pct: number }
  race: RaceParams
  override?: StrategyOverride
  fcy: McsParams['fcy']
}

export type SensitivityParameter = 'pit_loss' | 'tyre_degradation' | 'sc_probability'

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
  /** Stops the strategy engineer brought forward, per driver: [yellow, cover] (index 2d, 2d + 1), summed over the runs. */
  reactiveStops: Int32Array<ArrayBuffer>
  /** With variants: the variants' driver per run, in the study's race (index run) and in each variant (index run * V + v). */
  variants: VariantOutcomes | null
}

export interface DriverOutcomes {
  position: Int32Array<ArrayBuffer>
  /** NaN for a retirement. */
  raceTime: Float64Array<ArrayBuffer>
  /** 1 when he set the race's fastest lap. */
  fastestLap: Uint8Array<ArrayBuffer>
}

export interface VariantOutcomes {
  base: DriverOutcomes
  variant: DriverOutcomes
}

export interface MonteCarloOptions {
  override?: StrategyOverride | undefined
  runs: number
  seed: number
  /** The virtual strategy engineer (default: DEFAULT_STRATEGY_ENGINEER); null to keep every driver to his plan. */
  engineer?: StrategyEngineer | null
  variants?: MonteCarloJob['variants']
}

/** A study's job: the race, its drivers' random-influence figures and the run count and seed. */
export function monteCarloJob(race: RaceParams, options: MonteCarloOptions): MonteCarloJob {
  const job: MonteCarloJob = { race, noise: raceNoise(race), fcy: MCS.fcy, seed: options.seed >>> 0, runs: options.runs, engineer: options.engineer === undefined ? DEFAULT_STRATEGY_ENGINEER : options.engineer }
  if (options.override !== undefined) job.override = options.override
  if (options.variants !== undefined) job.variants = options.variants
  return job
}

/** Simulates runs [from, to) of a job. */
export function runChunk(job: MonteCarloJob, from: number, to: number): RunOutcomes {
  const prepared = prepareRace(job.race, job.override, job.noise, job.engineer)
  const { setup } = prepared
  const { n, laps } = setup
  const w = createWorkspace(setup)
  const noise = createRunNoise(n)
  const count = to - from
  const position = new Int32Array(count * n)
  const raceTime = new Float64Array(count * n)
  const lapPositions = new Int32Array(laps * n * n)
  const reactiveStops = new Int32Array(2 * n)
  const side = job.variants === undefined ? null : variantRaces(job, job.variants, count)
  const rng = createRng(job.seed, from)
  // Per-run buffers: a run's events allocate no typed arrays.
  const tables = eventTables(setup, job.fcy)
  const timing = createTimingBuffers(laps, n, n + 3)
  for (let run = from; run < to; run++) {
    rng.reseed(job.seed, run)
    const events = randomEvents(setup, job.fcy, rng, tables)
    const timed = timeEvents(job.race, prepared.refDriver, prepared.refLaps, prepared.refStints, events.phases, events.retireProgress, timing)
    seedRunNoise(noise, job.seed, run)
    runRace(setup, timed.phases, timed.retirements, w, noise)
    const at = (run - from) * n
    for (let d = 0; d < n; d++) {
      position[at + d] = w.pos[laps * n + d]!
      raceTime[at + d] = finishTime(setup, w, d)
    }
    // A lap not driven (retired, or lapped at the flag) has no time and counts nowhere.
    countLapPositions(w, laps, n, lapPositions)
    if (setup.engineer !== null) countReactiveStops(setup, w, reactiveStops)
    if (side !== null) {
      const r = run - from
      recordDriver(setup, w, side.driver, side.outcomes.base, r)
      for (let i = 0; i < side.races.length; i++) {
        const v = side.races[i]!
        // The variant's events are drawn from the run's seed again: the same ones unless its fcy
        // figures differ, timed by its own reference laps. Its drivers get the run's streams.
        rng.reseed(job.seed, run)
        const own = randomEvents(v.prepared.setup, v.fcy, rng, v.tables)
        const vt = timeEvents(v.race, v.prepared.refDriver, v.prepared.refLaps, v.prepared.refStints, own.phases, own.retireProgress, v.timing)
        seedRunNoise(noise, job.seed, run)
        runRace(v.prepared.setup, vt.phases, vt.retirements, v.w, noise)
        recordDriver(v.prepared.setup, v.w, side.driver, side.outcomes.variant, r * side.races.length + i)
      }
    }
  }
  return { codes: setup.codes, from, to, position, raceTime, lapPositions, reactiveStops, variants: side?.outcomes ?? null }
}

/** Adds a finished run's positions lap by lap to the histogram (RunOutcomes.lapPositions). */
function countLapPositions(w: Workspace, laps: number, n: number, into: Int32Array): void {
  const { lapTime, pos } = w
  for (let lap = 1; lap <= laps; lap++) {
    const row = lap * n
    const at = (lap - 1) * n * n - 1
    for (let d = 0; d < n; d++) {
      const t = lapTime[row + d]!
      if (t === t) into[at + d * n + pos[row + d]!]!++
    }
  }
}

function driverOutcomes(size: number): DriverOutcomes {
  return { position: new Int32Array(size), raceTime: new Float64Array(size), fastestLap: new Uint8Array(size) }
}

/** The variants of a chunk: each compiled with its workspace, and the outcome arrays. */
function variantRaces(job: MonteCarloJob, variants: NonNullable<MonteCarloJob['variants']>, count: number) {
  const races = variants.list.map((v) => {
    const prepared = prepareRace(v.race, v.override, raceNoise(v.race), job.engineer)
    const { laps, n } = prepared.setup
    return { race: v.race, fcy: v.fcy, prepared, w: createWorkspace(prepared.setup), tables: eventTables(prepared.setup, v.fcy), timing: createTimingBuffers(laps, n, n + 3) }
  })
  const driver = races[0]?.prepared.setup.codes.indexOf(variants.driver) ?? -1
  return { races, driver, outcomes: { base: driverOutcomes(count), variant: driverOutcomes(count * races.length) } satisfies VariantOutcomes }
}

function recordDriver(s: RaceSetup, w: Workspace, d: number, into: DriverOutcomes, at: number): void {
  into.position[at] = w.pos[s.laps * s.n + d]!
  into.raceTime[at] = finishTime(s, w, d)
  into.fastestLap[at] = fastestLapDriver(s, w) === d ? 1 : 0
}

/** Race time over the laps completed; NaN for a retirement. */
function finishTime(s: RaceSetup, w: Workspace, d: number): number {
  return w.retireLap[d]! <= s.laps ? NaN : w.raceTime[lapsDone(s, w, d) * s.n + d]!
}

/** The driver who set the race's fastest lap (the first to set it on a tie). */
function fastestLapDriver(s: RaceSetup, w: Workspace): number {
  let best = Infinity
  let who = -1
  for (let lap = 1; lap <= s.laps; lap++) {
    for (let d = 0; d < s.n; d++) {
      const t = w.lapTime[lap * s.n + d]!
      if (t < best) {
        best = t
        who = d
      }
    }
  }
  return who
}

function countReactiveStops(s: RaceSetup, w: Workspace, into: Int32Array): void {
  for (let d = 0; d < s.n; d++) {
    for (let k = s.stintFrom[d]! + 1; k < s.stintFrom[d + 1]!; k++) {
      if (w.standstill[k] !== w.standstill[k]) continue
      if (w.stopReason[k] === STOP_YELLOW) into[2 * d]!++
      else if (w.stopReason[k] === STOP_COVER) into[2 * d + 1]!++
    }
  }
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
    let yellow = 0
    let cover = 0
    for (const chunk of ordered) {
      yellow += chunk.reactiveStops[2 * d]!
      cover += chunk.reactiveStops[2 * d + 1]!
    }
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
      reactive_stops: { yellow: yellow / runs, cover: cover / runs },
    }
  })
  drivers.sort((a, b) => b.win - a.win || b.podium - a.podium || a.driver.localeCompare(b.driver))
  const result: MonteCarloResult = { runs, seed: job.seed, drivers, strategy_engineer: engineerJson(job.engineer), warnings: studyWarnings(job) }
  const kind = job.variants?.list[0]?.label.kind
  if (kind === 'strategy') result.comparison = pairedComparison(job, ordered)
  else if (kind === 'candidate') result.candidates = candidateOutcomes(job, ordered)
  else if (kind !== undefined) result.sensitivity = sensitivitySweeps(job, ordered)
  return result
}

/**
 * The study's warnings: its yellows and retirements are drawn, so they are those of the race run
 * once without any (well under a millisecond): recorded phases do not apply, and without a yellow
 * to save fuel a car short of it runs dry.
 */
function studyWarnings(job: MonteCarloJob): RaceWarning[] {
  const warnings: RaceWarning[] = []
  // Variants warn of what they hold too (another strategy, other figures).
  for (const { race, override } of [{ race: job.race, override: job.override }, ...(job.variants?.list ?? [])]) {
    const { prepared, workspace } = runRecordedRace({ ...race, events: { fcyPhases: [], retirements: [] } }, override)
    for (const w of raceWarnings(prepared, workspace)) if (!warnings.some((seen) => seen.message === w.message)) warnings.push(w)
  }
  return warnings
}


/** A Monte Carlo study in this thread (pure; see workers.ts to keep a service's event loop free). */
export function runMonteCarlo(race: RaceParams, options: MonteCarloOptions): MonteCarloResult {
  const job = monteCarloJob(race, options)
  return summarise(job, [runChunk(job, 0, job.runs)])
}
