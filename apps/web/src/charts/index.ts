// The console's charts of a simulation's results and of an optimizer answer.
export { ResultCharts, LEGACY_MESSAGE, MISMATCH_MESSAGE, NO_RESULTS_MESSAGE, type ResultChartsProps } from './result-charts.tsx'
export { OptimizerCharts, type OptimizerChartsProps } from './optimizer-charts.tsx'
export { LapTimesChart, type LapTimesChartProps } from './lap-times-chart.tsx'
export { PositionsChart, type PositionsChartProps } from './positions-chart.tsx'
export { GapToLeaderChart, type GapToLeaderChartProps } from './gap-to-leader-chart.tsx'
export { TyreStintsChart, type TyreStintsChartProps } from './tyre-stints-chart.tsx'
export { PositionDistributionChart, type PositionDistributionChartProps } from './position-distribution-chart.tsx'
export { PositionByLapChart, type PositionByLapChartProps } from './position-by-lap-chart.tsx'
export { RaceTimeDistributionChart, type RaceTimeDistributionChartProps } from './race-time-distribution-chart.tsx'
export { PairedDeltaChart, type PairedDeltaChartProps } from './paired-delta-chart.tsx'
export { PitLapCurveChart, type PitLapCurveChartProps } from './pit-lap-curve-chart.tsx'
export { SensitivityChart, type SensitivityChartProps } from './sensitivity-chart.tsx'
export { StrategyTable, type StrategyTableProps } from './strategy-table.tsx'
export {
  isMonteCarloResult,
  isOptimizeResult,
  isRaceResult,
  isSingleCarResult,
  resultKind,
  type MonteCarloResult,
  type OptimizeResult,
  type PairedComparison,
  type RaceResult,
  type ResultKind,
  type SingleCarResult,
} from './result-kinds.ts'
export { driverColours, type DriverColours } from './driver-colours.ts'
