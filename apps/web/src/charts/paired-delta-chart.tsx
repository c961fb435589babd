// Strategy B against A for one driver on the same random races: the race-time delta run by run
// (its 10-90 % spread and median) beside its mean with the 95 % confidence interval, then how the
// finishing position moved. The delta's spread is wide while its interval is narrow: pairing is
// what makes a 1 s difference readable out of races that spread by minutes.
import * as Plot from '@observablehq/plot'
import { ChartFrame } from './chart-frame.tsx'
import { deltaSummary, positionGainRows, type PositionGainRow } from './monte-carlo-rows.ts'
import type { PairedComparison } from './result-kinds.ts'
import { strategyLabel } from './strategy-label.ts'
import { usePlot } from './use-plot.ts'

export interface PairedDeltaChartProps {
  comparison: PairedComparison
  /** The study's runs: the delta is over those both strategies finished. */
  runs: number
}

const ROW_SPREAD = 'Run by run'
const ROW_MEAN = 'Mean'

export function PairedDeltaChart({ comparison, runs }: PairedDeltaChartProps) {
  const delta = deltaSummary(comparison)
  const gains = positionGainRows(comparison)
  const faster = delta === null ? '' : delta.mean < 0 ? 'faster' : 'slower'
  const description =
    delta === null
      ? `No race-time delta for ${comparison.driver}: no run had both strategies finish. Bar chart of positions gained by strategy B.`
      : `${comparison.driver}: strategy B is ${Math.abs(delta.mean).toFixed(1)} s ${faster} than A on average, 95 % confidence interval ${delta.ciLow.toFixed(1)} to ${delta.ciHigh.toFixed(1)} s; run by run from ${delta.p10.toFixed(1)} (10 %) to ${delta.p90.toFixed(1)} s (90 %), B faster in ${delta.bFaster.toFixed(1)} % of ${delta.runs} runs both finished. Bar chart of positions gained by B.`

  const ref = usePlot(
    (width) => {
      const holder = document.createElement('div')
      if (delta !== null) {
        holder.append(
          Plot.plot({
            width,
            height: 130,
            marginLeft: 72,
            ariaLabel: 'Race time delta, B less A',
            x: { label: 'Race time delta, B − A (s)', grid: true, nice: true },
            y: { label: null, domain: [ROW_SPREAD, ROW_MEAN] },
            marks: [
              Plot.ruleX([0], { stroke: '#888' }),
              Plot.ruleY([delta], { y: () => ROW_SPREAD, x1: 'p10', x2: 'p90', stroke: '#4363d8', strokeWidth: 8, strokeOpacity: 0.4 }),
              Plot.tickX([delta], { y: () => ROW_SPREAD, x: 'p50', stroke: '#111', strokeWidth: 2 }),
              Plot.ruleY([delta], { y: () => ROW_MEAN, x1: 'ciLow', x2: 'ciHigh', stroke: '#111', strokeWidth: 3 }),
              Plot.dot([delta], { y: () => ROW_MEAN, x: 'mean', fill: '#e6194b', r: 4 }),
            ],
          }),
        )
      }
      holder.append(
        Plot.plot({
          width,
          height: 200,
          ariaLabel: 'Positions gained by strategy B',
          x: { label: "Positions gained by B (A's place − B's)", type: 'band', domain: gains.map((g) => g.gain) },
          y: { label: 'Share of runs (%)', grid: true },
          marks: [
            Plot.barY(gains, {
              x: 'gain',
              y: 'share',
              fill: { value: (g: PositionGainRow) => (g.gain > 0 ? '#3cb44b' : g.gain < 0 ? '#e6194b' : '#999'), scale: null },
            }),
            Plot.ruleY([0]),
            Plot.tip(
              gains,
              Plot.pointer({
                x: 'gain',
                y: 'share',
                title: (g: PositionGainRow) => `${g.gain > 0 ? '+' : ''}${g.gain}: ${g.share.toFixed(1)} % of runs`,
              }),
            ),
          ],
        }),
      )
      return holder
    },
    [comparison],
  )

  const d = comparison.delta
  const sign = (n: number, digits: number) => `${n > 0 ? '+' : ''}${n.toFixed(digits)}`
  return (
    <ChartFrame
      name="paired-delta"
      title={`Strategy B against A for ${comparison.driver}`}
      description={description}
      plotRef={ref}
      minHeight={330}
      caption={
        <>
          B: {strategyLabel(comparison.strategy_b)}. Race-time delta over the {delta === null ? 0 : delta.runs} of {runs} runs both
          strategies finished (negative: B faster): the blue bar spans the 10 % to 90 % quantiles with the median tick, the dot is the mean
          with its 95 % confidence interval. Win share {sign(d.win * 100, 1)} pp, podium share {sign(d.podium * 100, 1)} pp (percentage
          points), points {sign(d.points, 2)} per race, mean position {sign(d.mean_position, 2)}.
        </>
      }
    />
  )
}
