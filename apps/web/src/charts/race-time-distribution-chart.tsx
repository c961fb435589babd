// Race-time spread per driver from the quantiles the study keeps (10 %, median, 90 %): the engine
// stores no full distribution, and its quantiles are over the runs a driver finished only.
import * as Plot from '@observablehq/plot'
import { ChartFrame } from './chart-frame.tsx'
import { describeFocus } from './chart-text.ts'
import { driverColours, knownFocus } from './driver-colours.ts'
import { neverFinished, raceTimeRangeRows, studyDrivers, type RaceTimeRangeRow } from './monte-carlo-rows.ts'
import type { MonteCarloResult } from './result-kinds.ts'
import { usePlot } from './use-plot.ts'

export interface RaceTimeDistributionChartProps {
  result: MonteCarloResult
  focusDriver?: string
}

export function RaceTimeDistributionChart({ result, focusDriver }: RaceTimeDistributionChartProps) {
  const rows = raceTimeRangeRows(result)
  const drivers = studyDrivers(result)
  const focus = knownFocus(focusDriver, drivers)
  const missing = neverFinished(result)
  const focusRow = rows.find((r) => r.driver === focus)
  const description = `Race time ranges in seconds over the runs each driver finished, for ${rows.length} drivers fastest median first: a bar from the 10 % to the 90 % quantile and a tick at the median${describeFocus(focus)}${focusRow === undefined ? '' : ` (${focusRow.p10.toFixed(1)} to ${focusRow.p90.toFixed(1)} s, median ${focusRow.p50.toFixed(1)} s, finished ${focusRow.finished.toFixed(1)} % of runs)`}.`
  const height = rows.length * 20 + 70

  const ref = usePlot(
    (width) => {
      const colours = driverColours(drivers)
      const strong = (d: string) => focus === undefined || d === focus
      return Plot.plot({
        width,
        height,
        marginLeft: 44,
        ariaLabel: description,
        x: { label: 'Race time (s)', grid: true, nice: true },
        y: { label: null, domain: rows.map((r) => r.driver) },
        // The y axis names the drivers; the colour only ties them to the race charts' lines.
        color: { type: 'ordinal', domain: colours.domain, range: colours.range },
        marks: [
          Plot.ruleY(rows, {
            y: 'driver',
            x1: 'p10',
            x2: 'p90',
            stroke: 'driver',
            strokeWidth: 6,
            strokeOpacity: { value: (r: RaceTimeRangeRow) => (strong(r.driver) ? 0.9 : 0.3), scale: null },
          }),
          Plot.tickX(rows, { x: 'p50', y: 'driver', stroke: '#111', strokeWidth: 2 }),
          Plot.tip(
            rows,
            Plot.pointer({
              x: 'p50',
              y: 'driver',
              title: (r: RaceTimeRangeRow) =>
                `${r.driver}: median ${r.p50.toFixed(1)} s, 10-90 % ${r.p10.toFixed(1)}-${r.p90.toFixed(1)} s, over the ${r.finished.toFixed(1)} % of runs he finished`,
            }),
          ),
        ],
      })
    },
    [result, focus],
  )

  return (
    <ChartFrame
      name="race-time-distribution"
      title="Race time"
      description={description}
      plotRef={ref}
      minHeight={height}
      caption={`Only over the runs each car finished (retirements have no race time, so a driver who retires often is timed over fewer runs): the bar spans the 10 % to 90 % quantiles, the tick is the median.${missing.length === 0 ? '' : ` Never finished: ${missing.join(', ')}.`}`}
    />
  )
}
