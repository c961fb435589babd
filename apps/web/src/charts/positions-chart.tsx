// The race trace: every car's position at the end of each lap, P1 at the top, a retired car's line
// ending where he stopped (the engine keeps his last place to the flag; the chart does not draw it).
import * as Plot from '@observablehq/plot'
import { ChartFrame, YellowKey } from './chart-frame.tsx'
import { describeFocus, describeYellows } from './chart-text.ts'
import { driverColours, knownFocus } from './driver-colours.ts'
import { driverColourScale, driverLines, yellowBands } from './race-marks.ts'
import { positionRows, raceLaps, retirements, type PositionRow } from './race-rows.ts'
import type { RaceResult } from './result-kinds.ts'
import { chartHeight, usePlot } from './use-plot.ts'
import { yellowSpans } from './yellow-phases.ts'

export interface PositionsChartProps {
  result: RaceResult
  focusDriver?: string
}

export function PositionsChart({ result, focusDriver }: PositionsChartProps) {
  const rows = positionRows(result).filter((r) => !r.retired)
  const drivers = result.classification.map((c) => c.driver)
  const focus = knownFocus(focusDriver, drivers)
  const laps = raceLaps(result)
  const spans = yellowSpans(result)
  const out = retirements(result)
  const yellows = describeYellows(spans)
  const description = `Race trace: position (1 at the top) against lap for ${drivers.length} drivers over ${laps} laps${describeFocus(focus)}${out.length === 0 ? '' : `; retired: ${out.map((o) => `${o.driver} after lap ${o.lap}`).join(', ')}`}${yellows === '' ? '' : `; ${yellows}`}.`

  const ref = usePlot(
    (width) => {
      const colours = driverColours(drivers)
      const lastLaps = drivers.flatMap((d) => {
        const own = rows.filter((r) => r.driver === d)
        return own.length === 0 ? [] : [own[own.length - 1] as PositionRow]
      })
      const crosses = lastLaps.filter((r) => out.some((o) => o.driver === r.driver))
      const finishers = lastLaps.filter((r) => !out.some((o) => o.driver === r.driver))
      const label = { x: 'lap', y: 'position', text: 'driver', fill: 'driver', dx: 4, textAnchor: 'start', fontSize: 9 } as const
      return Plot.plot({
        width,
        // One row of text per position: 20 cars need the height, whatever the width.
        height: Math.max(chartHeight(width), drivers.length * 20 + 60),
        marginRight: 40,
        ariaLabel: description,
        x: { label: 'Lap', domain: [0, laps] },
        y: { label: 'Position', reverse: true, domain: [1, drivers.length], ticks: drivers.length, tickFormat: 'd', grid: true },
        color: driverColourScale(colours),
        marks: [
          ...yellowBands(spans),
          ...driverLines(rows, 'lap', 'position', focus, { label: false }),
          Plot.dot(crosses, { x: 'lap', y: 'position', stroke: 'driver', symbol: 'times', r: 4, strokeWidth: 2 }),
          // Every finisher's code at his final place, in his colour: the trace's own legend.
          Plot.text(
            finishers.filter((r) => r.driver !== focus),
            { ...label, fillOpacity: focus === undefined ? 1 : 0.5 },
          ),
          Plot.text(
            finishers.filter((r) => r.driver === focus),
            { ...label, fontWeight: 700 },
          ),
          Plot.tip(rows, Plot.pointer({ x: 'lap', y: 'position', title: (r: PositionRow) => `${r.driver} lap ${r.lap}: P${r.position}` })),
        ],
      })
    },
    [result, focus],
  )

  return (
    <ChartFrame
      name="positions"
      title="Positions per lap"
      description={description}
      plotRef={ref}
      minHeight={drivers.length * 20 + 60}
      caption={
        <>
          Position at the end of each lap; × marks a retirement.
          <YellowKey types={spans.map((s) => s.type)} />
        </>
      }
    />
  )
}
