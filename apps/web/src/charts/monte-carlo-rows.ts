// Rows of the Monte Carlo charts. The engine gives shares 0..1; the charts show percentages.
import type { MonteCarloResult, PairedComparison } from './result-kinds.ts'

export interface PositionShareRow {
  driver: string
  position: number
  /** % of runs */
  share: number
}

export interface RaceTimeRangeRow {
  driver: string
  /** s, quantiles over the runs this driver finished */
  p10: number
  p50: number
  p90: number
  /** % of runs finished: what the quantiles are taken over. */
  finished: number
}

export interface PositionGainRow {
  /** A's position less B's: positive, B finished ahead. */
  gain: number
  /** % of runs */
  share: number
}

export interface DeltaSummary {
  driver: string
  /** Runs both strategies finished: the only ones a time delta exists for. */
  runs: number
  /** s, B less A (negative: B faster) */
  mean: number
  ciLow: number
  ciHigh: number
  p10: number
  p50: number
  p90: number
  /** % of those runs B was faster */
  bFaster: number
}

const percent = (share: number) => share * 100

/** Drivers in the study's own order (win share, then podium, then code). */
export function studyDrivers(result: MonteCarloResult): string[] {
  return result.drivers.map((d) => d.driver)
}

/** One row per driver and position reached; positions never reached are left out, as in the result. */
export function positionShareRows(result: MonteCarloResult): PositionShareRow[] {
  return result.drivers.flatMap((d) =>
    Object.entries(d.positions)
      .map(([position, share]) => ({ driver: d.driver, position: Number(position), share: percent(share) }))
      .sort((a, b) => a.position - b.position),
  )
}

/** The field size: the furthest back any driver was classified. */
export function fieldSize(result: MonteCarloResult): number {
  return Math.max(result.drivers.length, ...positionShareRows(result).map((r) => r.position))
}

/** Drivers who finished at least once, fastest median first; the others have no race time to draw. */
export function raceTimeRangeRows(result: MonteCarloResult): RaceTimeRangeRow[] {
  return result.drivers
    .flatMap((d) => (d.race_time === null ? [] : [{ driver: d.driver, ...d.race_time, finished: percent(1 - d.dnf) }]))
    .sort((a, b) => a.p50 - b.p50)
}

/** Drivers the race-time chart leaves out because they finished no run. */
export function neverFinished(result: MonteCarloResult): string[] {
  return result.drivers.filter((d) => d.race_time === null).map((d) => d.driver)
}

export function deltaSummary(comparison: PairedComparison): DeltaSummary | null {
  const d = comparison.race_time_delta
  if (d === null) return null
  const [ciLow = d.mean, ciHigh = d.mean] = d.ci95
  return {
    driver: comparison.driver,
    runs: d.runs,
    mean: d.mean,
    ciLow,
    ciHigh,
    p10: d.p10,
    p50: d.p50,
    p90: d.p90,
    bFaster: percent(d.b_faster),
  }
}

export function positionGainRows(comparison: PairedComparison): PositionGainRow[] {
  return comparison.position_gain.map((g) => ({ gain: g.gain, share: percent(g.share) })).sort((a, b) => a.gain - b.gain)
}

export interface PositionByLapRow {
  driver: string
  lap: number
  /** Quantiles of the position over the runs he was still running; null once no run has him running. */
  p10: number | null
  p50: number | null
  p90: number | null
  mean: number | null
  /** % of runs still running at the end of the lap */
  running: number
}

/** One driver's position fan per lap; empty for a driver not in the study. */
export function positionByLapRows(result: MonteCarloResult, driver: string): PositionByLapRow[] {
  const d = result.drivers.find((x) => x.driver === driver)
  if (d === undefined) return []
  const f = d.position_by_lap
  return f.running.map((running, i) => ({
    driver,
    lap: i + 1,
    p10: f.p10[i] ?? null,
    p50: f.p50[i] ?? null,
    p90: f.p90[i] ?? null,
    mean: f.mean[i] ?? null,
    running: percent(running),
  }))
}
