// The optimizer's one-stop curve: race time on a free track against the in-lap, each point with the
// fastest pair of compounds for it. Its floor is the stop window a strategist reads off.
import * as Plot from '@observablehq/plot'
import { ChartFrame } from './chart-frame.tsx'
import { bestPitLap, pitLapRows, type PitLapRow } from './optimizer-rows.ts'
import type { OptimizeResult } from './result-kinds.ts'
import { DRIVER_PALETTE } from './driver-colours.ts'
import { chartHeight, usePlot } from './use-plot.ts'

export interface PitLapCurveChartProps {
  result: OptimizeResult
}

export function PitLapCurveChart({ result }: PitLapCurveChartProps) {
  const rows = pitLapRows(result)
  const best = bestPitLap(rows)
  const pairs = [...new Set(rows.map((r) => r.compounds))]
  const nearBest = best === undefined ? [] : rows.filter((r) => r.raceTime <= best.raceTime + 1)
  const description =
    best === undefined
      ? `No one-stop curve for ${result.driver}.`
      : `Line chart of ${result.driver}'s one-stop race time on a free track in seconds against the in-lap, laps ${rows[0]?.pitLap}-${rows.at(-1)?.pitLap}; fastest: in-lap ${best.pitLap}, ${best.raceTime.toFixed(3)} s on ${best.compounds}; within 1 s of it: laps ${nearBest[0]?.pitLap}-${nearBest.at(-1)?.pitLap}.`

  const ref = usePlot(
    (width) =>
      Plot.plot({
        width,
        height: chartHeight(width),
        ariaLabel: description,
        x: { label: 'Pit lap (in-lap)', grid: true },
        y: { label: 'Race time (s)', grid: true, nice: true },
        color: {
          type: 'ordinal',
          domain: pairs,
          range: pairs.map((_, i) => DRIVER_PALETTE[i % DRIVER_PALETTE.length] ?? '#000'),
          legend: true,
          label: 'Compounds',
        },
        marks: [
          Plot.line(rows, { x: 'pitLap', y: 'raceTime', stroke: '#bbb' }),
          Plot.dot(rows, { x: 'pitLap', y: 'raceTime', fill: 'compounds', r: 2.5 }),
          Plot.dot(best === undefined ? [] : [best], { x: 'pitLap', y: 'raceTime', stroke: '#111', r: 7, strokeWidth: 2 }),
          Plot.text(best === undefined ? [] : [best], {
            x: 'pitLap',
            y: 'raceTime',
            text: (r: PitLapRow) => `lap ${r.pitLap}: ${r.raceTime.toFixed(1)} s`,
            dy: -18,
            fontWeight: 700,
            // Dark text on a white halo, so the label reads over the curve and the grid.
            fill: '#111',
            stroke: 'white',
            strokeWidth: 4,
            paintOrder: 'stroke',
          }),
          Plot.tip(
            rows,
            Plot.pointer({
              x: 'pitLap',
              y: 'raceTime',
              title: (r: PitLapRow) => `In-lap ${r.pitLap}: ${r.raceTime.toFixed(3)} s (${r.compounds})`,
            }),
          ),
        ],
      }),
    [result],
  )

  return (
    <ChartFrame
      name="pit-lap-curve"
      title={`One-stop race time by pit lap, ${result.driver}`}
      description={description}
      plotRef={ref}
      caption="Alone on a free track (no traffic, no yellows), with the fastest pair of compounds for each in-lap; the circled point is the fastest."
    />
  )
}
