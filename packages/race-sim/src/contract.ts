// The engine's request and result shapes: what the simulation service stores and returns as they are.
// Times are seconds rounded to the millisecond. Requests are the API's (@f1/contracts), less the
// gateway's operation. Simulation results are the static types of the API's result schemas
// (@f1/contracts/simulation-results, where their fields are described): one definition for the
// engine and the OpenAPI document, so a field the engine adds is added there.
import type { LapDetail } from '@f1/contracts/simulation-results'
import type { OptimizeBody, OptimizeResult as ApiOptimizeResult, SimulationRequest as ApiSimulationRequest } from '@f1/contracts/simulations'

export type {
  ClassificationEntry,
  FcyPhaseEntry,
  MonteCarloDriverResult,
  MonteCarloResult,
  PitStopEntry,
  RaceResult,
  RaceWarning,
  SingleCarResult,
} from '@f1/contracts/simulation-results'
export type { SimulationMode } from '@f1/contracts/simulations'

/** A driver's laps broken down (the engine's name for the contract's LapDetail). */
export type LapDetailJson = LapDetail

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

/** The optimizer's answer: the contract's (its fields described there). */
export type OptimizeResult = ApiOptimizeResult
export type OptimizedStrategy = OptimizeResult['strategies'][number]
export type PitLapPoint = OptimizeResult['pit_lap_curve'][number]
