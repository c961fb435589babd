// The result kinds the charts draw, named from the generated API schema (one source: the gateway's
// OpenAPI), and guards that tell them apart by the fields that identify each engine shape. A
// simulation's `mode` says which branch holds; the guards confirm it before a chart trusts the shape,
// since a legacy row's free-form map could carry any keys.
import type { paths } from '../api/schema'
import type { SimulationResults } from '../api/types.ts'

export type RaceResult = Extract<SimulationResults, { classification: unknown }>
export type MonteCarloResult = Extract<SimulationResults, { drivers: unknown; runs: unknown }>
export type SingleCarResult = Extract<SimulationResults, { race_time: unknown; lap_times: unknown }>
export type PairedComparison = NonNullable<MonteCarloResult['comparison']>
export type OptimizeResult = paths['/api/strategies/optimize']['post']['responses'][200]['content']['application/json']

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** mode race: the classification, per-driver lap arrays and lap detail. */
export function isRaceResult(value: unknown): value is RaceResult {
  return (
    isRecord(value) &&
    Array.isArray(value.classification) &&
    isRecord(value.lap_times) &&
    isRecord(value.positions) &&
    isRecord(value.lap_detail) &&
    Array.isArray(value.pit_stops) &&
    Array.isArray(value.fcy_phases)
  )
}

/** mode monte_carlo: a study's run count and per-driver shares. */
export function isMonteCarloResult(value: unknown): value is MonteCarloResult {
  return isRecord(value) && typeof value.runs === 'number' && typeof value.seed === 'number' && Array.isArray(value.drivers)
}

/** mode single: one car's race time and its lap times as a plain list (a race keys them by driver). */
export function isSingleCarResult(value: unknown): value is SingleCarResult {
  return isRecord(value) && typeof value.race_time === 'number' && Array.isArray(value.lap_times)
}

/** The optimizer's answer: POST /api/strategies/optimize's, and a stored job's with mode optimize (its re-evaluation). */
export function isOptimizeResult(value: unknown): value is OptimizeResult {
  return (
    isRecord(value) &&
    typeof value.driver === 'string' &&
    Array.isArray(value.strategies) &&
    Array.isArray(value.alternatives) &&
    Array.isArray(value.pit_lap_curve)
  )
}

export type ResultKind = 'race' | 'monte_carlo' | 'single' | 'optimize' | 'legacy'

/** Which charts a result gets; legacy (free-form) results and shapes matching no engine branch get none. */
export function resultKind(results: unknown): ResultKind {
  if (isRaceResult(results)) return 'race'
  if (isMonteCarloResult(results)) return 'monte_carlo'
  if (isSingleCarResult(results)) return 'single'
  if (isOptimizeResult(results)) return 'optimize'
  return 'legacy'
}
