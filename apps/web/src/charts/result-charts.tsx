// The charts a stored simulation gets for its kind. The simulation's `mode` says which engine shape
// its results have (a row without one was migrated from the legacy app); the guards check the shape
// before any chart reads it, so a mismatch shows a message instead of a broken figure.
import type { ReactNode } from 'react'
import type { Simulation } from '../api/types.ts'
import { GapToLeaderChart } from './gap-to-leader-chart.tsx'
import { LapTimesChart } from './lap-times-chart.tsx'
import { PairedDeltaChart } from './paired-delta-chart.tsx'
import { PositionByLapChart } from './position-by-lap-chart.tsx'
import { PositionDistributionChart } from './position-distribution-chart.tsx'
import { PositionsChart } from './positions-chart.tsx'
import { RaceTimeDistributionChart } from './race-time-distribution-chart.tsx'
import { SensitivityChart } from './sensitivity-chart.tsx'
import { OptimizerCharts } from './optimizer-charts.tsx'
import { isMonteCarloResult, isOptimizeResult, isRaceResult, isSingleCarResult, resultKind } from './result-kinds.ts'
import { TyreStintsChart } from './tyre-stints-chart.tsx'

export type ResultChartsProps = (
  | { simulation: Pick<Simulation, 'results' | 'mode'> & Partial<Pick<Simulation, 'driver' | 'status' | 'partial' | 'progress'>> }
  | { results: Simulation['results']; mode?: Simulation['mode']; driver?: string }
) & {
  /** Drawn bold in every chart, the others faded; default the simulation's own driver. */
  focusDriver?: string
}

export const LEGACY_MESSAGE = 'This simulation was migrated from the old app; its result has no chart.'
export const NO_RESULTS_MESSAGE = 'This simulation has no results yet.'
export const MISMATCH_MESSAGE = 'This result does not have the shape its mode describes, so it has no chart.'

function Message({ children }: { children: ReactNode }) {
  return (
    <p className="result-charts-message" role="status" style={{ color: '#555' }}>
      {children}
    </p>
  )
}

export function ResultCharts(props: ResultChartsProps) {
  const fromSimulation = 'simulation' in props
  const results = fromSimulation ? props.simulation.results : props.results
  const mode = fromSimulation ? props.simulation.mode : props.mode
  const driver = fromSimulation ? props.simulation.driver : props.driver
  const focus = props.focusDriver ?? driver
  const partial = fromSimulation && props.simulation.partial === true ? props.simulation.progress : undefined

  if (results === undefined || results === null) return <Message>{NO_RESULTS_MESSAGE}</Message>
  // A stored row without a mode is a legacy row whatever its result looks like (schema: LegacyResults).
  if (fromSimulation && mode === undefined) return <Message>{LEGACY_MESSAGE}</Message>
  const kind = resultKind(results)
  if (kind === 'legacy') return <Message>{LEGACY_MESSAGE}</Message>
  if (mode !== undefined && mode !== kind) return <Message>{MISMATCH_MESSAGE}</Message>

  if (isRaceResult(results)) {
    return (
      <div className="result-charts" data-result-kind="race">
        {results.sensitivity === undefined ? null : <SensitivityChart race={results.sensitivity} />}
        <LapTimesChart result={results} focusDriver={focus} />
        <PositionsChart result={results} focusDriver={focus} />
        <GapToLeaderChart result={results} focusDriver={focus} />
        <TyreStintsChart result={results} focusDriver={focus} />
      </div>
    )
  }
  const partialNote =
    partial === undefined ? null : (
      <Message>
        Cancelled while running: these charts cover the {partial.runs_done} of {partial.runs_total} runs done.
      </Message>
    )
  if (isMonteCarloResult(results)) {
    return (
      <div className="result-charts" data-result-kind="monte_carlo">
        {partialNote}
        {results.comparison === undefined ? null : <PairedDeltaChart comparison={results.comparison} runs={results.runs} />}
        {results.sensitivity === undefined ? null : <SensitivityChart study={results.sensitivity} runs={results.runs} />}
        <PositionDistributionChart result={results} focusDriver={focus} />
        <RaceTimeDistributionChart result={results} focusDriver={focus} />
        <PositionByLapChart result={results} focusDriver={focus} />
      </div>
    )
  }
  if (isSingleCarResult(results)) {
    return (
      <div className="result-charts" data-result-kind="single">
        <LapTimesChart result={results} driver={driver ?? 'Car'} />
      </div>
    )
  }
  if (isOptimizeResult(results)) {
    return (
      <>
        {partialNote}
        <OptimizerCharts result={results} />
      </>
    )
  }
  return <Message>{LEGACY_MESSAGE}</Message>
}
