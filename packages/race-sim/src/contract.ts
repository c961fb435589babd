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

export interface RaceResult {
  classification: ClassificationEntry[]
  /** Lap times per driver, for the laps completed. */
  lap_times: Record<string, number[]>
  /** Position at the end of every lap per driver (kept after a retirement). */
  positions: Record<string, number[]>
  pit_stops: PitStopEntry[]
  fcy_phases: FcyPhaseEntry[]
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

export interface OptimizeResult {
  driver: string
  /** Fastest 1-, 2- and 3-stop strategies on a free track, each with two dry compounds at least. */
  strategies: OptimizedStrategy[]
}
