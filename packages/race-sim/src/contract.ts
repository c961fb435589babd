// The engine's request and result shapes: what the simulation service stores and returns as they are.
// Times are seconds rounded to the millisecond. Requests are the API's (@f1/contracts), less the
// gateway's operation.
import type { OptimizeBody, RaceWarning, SimulationRequest as ApiSimulationRequest } from '@f1/contracts/simulations'

export type { RaceWarning, SimulationMode } from '@f1/contracts/simulations'

export interface StintJson {
  start_lap: number
  compound: string
  tire_age: number
  refuel_kg: number
}

export interface StrategyJson {
  stints: StintJson[]
}

/**
 * The API's request, where the strategy may be left out: the driver then runs his strategy from the
 * parameter file (the CLI's use; the API always sends one).
 */
export type SimulationRequest = Omit<ApiSimulationRequest, 'operation' | 'strategy'> & Partial<Pick<ApiSimulationRequest, 'strategy'>>

export type OptimizeRequest = OptimizeBody

export interface SingleCarResult {
  race_time: number
  lap_times: number[]
}

export interface ClassificationEntry {
  position: number
  driver: string
  /** Laps completed: fewer than the race distance for lapped and retired cars. */
  laps: number
  /** Time over the laps completed. */
  race_time: number
  /** Seconds behind the winner when crossing the line for the last time; null for a retired car. */
  gap: number | null
  status: 'finished' | 'retired'
}

export interface PitStopEntry {
  driver: string
  /** The in-lap. */
  lap: number
  compound: string
  tire_age: number
  refuel_kg: number
  /** Standing time in the box. */
  standstill: number
}

export interface FcyPhaseEntry {
  type: 'SC' | 'VSC'
  /** Race time of the leader's lap at which the phase starts and ends (end null: until the flag). */
  start: number
  end: number | null
}

/**
 * Per driver, one entry per lap completed (index 0 = lap 1): the chart data of a race. The lap time
 * is base + tyres + fuel + drs + pit + traffic_yellow, to the millisecond's rounding.
 */
export interface LapDetailJson {
  /** The car's own flag in that lap: a yellow meets a lapped car in another lap than the leader. */
  flag: ('green' | 'VSC' | 'SC')[]
  compound: string[]
  /** Age of the set at the start of the lap, laps (yellow laps count less). */
  tyre_age: number[]
  /** On board at the start of the lap, kg. */
  fuel_kg: number[]
  /** Seconds behind the leader when crossing the line at the end of the lap (0 for the leader). */
  gap_to_leader: number[]
  /** Qualifying time + race-pace gap + car + driver, and in lap 1 the start losses, s. */
  base: number[]
  /** Degradation by tyre age, cold tyres in a stint's first lap, s. */
  tyres: number[]
  /** Fuel mass x its lap-time sensitivity, s. */
  fuel: number[]
  /** DRS gains (negative), s. */
  drs: number[]
  /** In- and out-lap pit-lane and standing time, s. */
  pit: number[]
  /** The rest: yellows, duels, being held behind a car, overtaking losses, s. */
  traffic_yellow: number[]
}

export interface RaceResult {
  classification: ClassificationEntry[]
  /** Lap times per driver, for the laps completed. */
  lap_times: Record<string, number[]>
  /** Position at the end of every lap per driver (kept after a retirement). */
  positions: Record<string, number[]>
  pit_stops: PitStopEntry[]
  fcy_phases: FcyPhaseEntry[]
  lap_detail: Record<string, LapDetailJson>
  /** What the race's data (or the request's strategy) holds that the reference refuses to run. */
  warnings: RaceWarning[]
}

export interface MonteCarloDriverResult {
  driver: string
  win: number
  podium: number
  /** Share of runs finishing in each position ("1".."20"); retirements are classified at the back. */
  positions: Record<string, number>
  /** Share of runs the driver retired in. */
  dnf: number
  /** Race time quantiles over the runs the driver was classified as finished in (null if never). */
  race_time: { p10: number; p50: number; p90: number } | null
  /**
   * Per lap (index 0 = lap 1): the share of runs the driver was still running at its end, and his
   * position over those runs: mean and 10/50/90 % quantiles (null once no run has him running).
   */
  position_by_lap: { running: number[]; mean: (number | null)[]; p10: (number | null)[]; p50: (number | null)[]; p90: (number | null)[] }
}

export interface MonteCarloResult {
  runs: number
  seed: number
  drivers: MonteCarloDriverResult[]
  /** Those of the race run without yellows or retirements (the study draws its own). */
  warnings: RaceWarning[]
}

export interface OptimizedStrategy {
  stops: number
  strategy: StrategyJson
  race_time: number
}

/** The fastest one-stop race time with the stop at the end of `pit_lap`, and the compounds that give it. */
export interface PitLapPoint {
  pit_lap: number
  race_time: number
  compounds: [string, string]
}

export interface OptimizeResult {
  driver: string
  /** Fastest 1-, 2- and 3-stop strategies on a free track, each with two dry compounds at least. */
  strategies: OptimizedStrategy[]
  /** The `top` fastest per stop count (each the best split of its compounds), by stops then time. */
  alternatives: OptimizedStrategy[]
  /** One-stop race time against the pit lap, laps 1 to the last but one. */
  pit_lap_curve: PitLapPoint[]
}
