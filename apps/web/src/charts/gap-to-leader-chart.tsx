// Gap to the leader at the end of each lap: who is in whose pit window, and what a yellow erased.
import * as Plot from '@observablehq/plot'
import { ChartFrame, YellowKey } from './chart-frame.tsx'
import { describeFocus, describeYellows } from './chart-text.ts'
import { driverColours, knownFocus } from './driver-colours.ts'
import { driverColourScale, driverLines, yellowBands } from './race-marks.ts'
import { gapRows, raceLaps, type GapRow } from './race-rows.ts'
import type { RaceResult } from './result-kinds.ts'
import { chartHeight, usePlot } from './use-plot.ts'
import { yellowSpans } from './yellow-phases.ts'

export interface GapToLeaderChartProps {
  result: RaceResult
  focusDriver?: string
}

export function GapToLeaderChart({ result, focusDriver }: GapToLeaderChartProps) {
  const rows = gapRows(result)
  const drivers = result.classification.map((c) => c.driver)
  const focus = knownFocus(focusDriver, drivers)
  const laps = raceLaps(result)
  const spans = yellowSpans(result)
  const yellows = describeYellows(spans)
  const description = `Line chart of the gap to the leader in seconds (leader at the top, 0 s) against lap for ${drivers.length} drivers over ${laps} laps${describeFocus(focus)}${yellows === '' ? '' : `; ${yellows}`}.`

  const ref = usePlot(
    (width) =>
      Plot.plot({
        width,
        height: chartHeight(width),
        marginRight: 36,
        ariaLabel: description,
        x: { label: 'Lap', domain: [0, laps] },
        // Reversed like a timing screen: the leader on top, the field strung out below him.
        y: { label: 'Gap to leader (s)', reverse: true, grid: true, nice: true },
        color: driverColourScale(driverColours(drivers)),
        marks: [
          ...yellowBands(spans),
          Plot.ruleY([0], { stroke: '#888' }),
          ...driverLines(rows, 'lap', 'gap', focus),
          Plot.tip(rows, Plot.pointer({ x: 'lap', y: 'gap', title: (r: GapRow) => `${r.driver} lap ${r.lap}: +${r.gap.toFixed(3)} s` })),
        ],
      }),
    [result, focus],
  )

  return (
    <ChartFrame
      name="gap-to-leader"
      title="Gap to the leader"
      description={description}
      plotRef={ref}
      caption={
        <>
          Seconds behind the car leading at each line (lapped cars carry a lap and more); a yellow closes the field up.
          <YellowKey types={spans.map((s) => s.type)} />
        </>
      }
    />
  )
}
