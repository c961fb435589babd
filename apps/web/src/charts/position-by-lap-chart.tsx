// One driver's position through the race over a study's runs: the 10-90 % band of his place at each
// line, its median, and how many runs still have him running. One driver at a time, since twenty
// overlapping fans would be unreadable: the focus driver, else the study's favourite.
import * as Plot from '@observablehq/plot'
import { ChartFrame } from './chart-frame.tsx'
import { driverColours, knownFocus } from './driver-colours.ts'
import { fieldSize, positionByLapRows, studyDrivers, type PositionByLapRow } from './monte-carlo-rows.ts'
import type { MonteCarloResult } from './result-kinds.ts'
import { chartHeight, usePlot } from './use-plot.ts'

export interface PositionByLapChartProps {
  result: MonteCarloResult
  /** The driver drawn; default the study's favourite (its first driver). */
  focusDriver?: string
}

export function PositionByLapChart({ result, focusDriver }: PositionByLapChartProps) {
  const drivers = studyDrivers(result)
  const driver = knownFocus(focusDriver, drivers) ?? drivers[0] ?? ''
  const rows = positionByLapRows(result, driver)
  const drawn = rows.filter((r) => r.p10 !== null && r.p90 !== null)
  const size = fieldSize(result)
  const last = rows.at(-1)
  const description = `${driver}'s position (1 at the top) against lap over ${result.runs} runs: a band from the 10 % to the 90 % quantile and a line at the median, over the runs he was still running${last === undefined ? '' : ` (${last.running.toFixed(1)} % at the flag)`}.`

  const ref = usePlot(
    (width) => {
      const colour = driverColours(drivers).colour(driver)
      return Plot.plot({
        width,
        height: chartHeight(width),
        ariaLabel: description,
        x: { label: 'Lap', domain: [0, rows.length] },
        y: {
          label: 'Position',
          reverse: true,
          domain: [1, size],
          grid: true,
          ticks: [1, ...Array.from({ length: Math.floor(size / 5) }, (_, i) => (i + 1) * 5)],
          tickFormat: 'd',
        },
        color: { type: 'ordinal', domain: [driver], range: [colour], legend: true },
        marks: [
          Plot.areaY(drawn, { x: 'lap', y1: 'p10', y2: 'p90', fill: () => driver, fillOpacity: 0.25, curve: 'step' }),
          Plot.line(drawn, { x: 'lap', y: 'p50', stroke: () => driver, strokeWidth: 2.5, curve: 'step' }),
          Plot.tip(
            drawn,
            Plot.pointer({
              x: 'lap',
              y: 'p50',
              title: (r: PositionByLapRow) =>
                `Lap ${r.lap}: median P${r.p50}, 10-90 % P${r.p10}-P${r.p90}, mean ${r.mean?.toFixed(2)}; running in ${r.running.toFixed(1)} % of runs`,
            }),
          ),
        ],
      })
    },
    [result, driver],
  )

  return (
    <ChartFrame
      name="position-by-lap"
      title={`Position per lap, ${driver}`}
      description={description}
      plotRef={ref}
      caption="The band spans the 10 % to 90 % quantiles of his place at each line, the line is the median; both over the runs he was still running at that lap."
    />
  )
}
