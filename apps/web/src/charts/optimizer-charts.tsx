// The optimizer's answer (POST /api/strategies/optimize, or a stored optimizer job's results): the
// table of each stop count's fastest strategy and the one-stop curve.
import { PitLapCurveChart } from './pit-lap-curve-chart.tsx'
import type { OptimizeResult } from './result-kinds.ts'
import { StrategyTable } from './strategy-table.tsx'

export interface OptimizerChartsProps {
  result: OptimizeResult
}

export function OptimizerCharts({ result }: OptimizerChartsProps) {
  return (
    <div className="result-charts" data-result-kind="optimizer">
      <StrategyTable result={result} />
      <PitLapCurveChart result={result} />
    </div>
  )
}
