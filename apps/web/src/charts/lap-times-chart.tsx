// Lap time per driver and lap: pace, tyre fall-off and where the pit and yellow laps spike.
import * as Plot from '@observablehq/plot'
import { ChartFrame, YellowKey } from './chart-frame.tsx'
import { describeFocus, describeYellows } from './chart-text.ts'
import { driverColours, knownFocus } from './driver-colours.ts'
import { driverColourScale, driverLines, yellowBands } from './race-marks.ts'
import { lapTimeRows, singleCarLapTimeRows, type LapTimeRow } from './race-rows.ts'
import { isRaceResult, type RaceResult, type SingleCarResult } from './result-kinds.ts'
import { chartHeight, usePlot } from './use-plot.ts'
import { yellowSpans } from './yellow-phases.ts'

export interface LapTimesChartProps {
  result: RaceResult | SingleCarResult
  /** Bold, the others faded. */
  focusDriver?: string
  /** A single car's name (single mode's result has none); default "Car". */
  driver?: string
}

export function LapTimesChart({ result, focusDriver, driver = 'Car' }: LapTimesChartProps) {
  const race = isRaceResult(result)
  const rows: LapTimeRow[] = race ? lapTimeRows(result) : singleCarLapTimeRows(result, driver)
  const spans = race ? yellowSpans(result) : []
  const drivers = [...new Set(rows.map((r) => r.driver))]
  const focus = knownFocus(focusDriver, drivers)
  const laps = Math.max(0, ...rows.map((r) => r.lap))
  const yellows = describeYellows(spans)
  const description = `Line chart of lap time in seconds against lap for ${drivers.length === 1 ? drivers[0] : `${drivers.length} drivers`} over ${laps} laps${describeFocus(focus)}${yellows === '' ? '' : `; ${yellows}`}.`

  // Pit laps are circled for one driver only: twenty drivers' circles would bury the lines.
  const circled = focus ?? (drivers.length === 1 ? drivers[0] : undefined)

  const ref = usePlot(
    (width) => {
      const colours = driverColours(drivers)
      const pitLaps = rows.filter((r) => r.pit && r.driver === circled)
      return Plot.plot({
        width,
        height: chartHeight(width),
        marginRight: 36,
        ariaLabel: description,
        x: { label: 'Lap', domain: [0, laps] },
        y: { label: 'Lap time (s)', grid: true, nice: true },
        color: driverColourScale(colours, drivers.length > 1),
        marks: [
          ...yellowBands(spans),
          ...driverLines(rows, 'lap', 'time', circled),
          Plot.dot(pitLaps, { x: 'lap', y: 'time', stroke: 'driver', fill: 'white', r: 3 }),
          Plot.tip(
            rows,
            Plot.pointer({
              x: 'lap',
              y: 'time',
              title: (r: LapTimeRow) =>
                `${r.driver} lap ${r.lap}: ${r.time.toFixed(3)} s${r.compound === undefined ? '' : ` on ${r.compound}`}${r.pit ? ' (pit)' : ''}${r.flag !== undefined && r.flag !== 'green' ? ` (${r.flag})` : ''}`,
            }),
          ),
        ],
      })
    },
    [result, circled, driver],
  )

  return (
    <ChartFrame
      name="lap-times"
      title="Lap times"
      description={description}
      plotRef={ref}
      caption={
        <>
          Each lap&apos;s time in seconds{race ? ', every driver' : ''}; pit in- and out-laps
          {circled === undefined ? '' : ` (circled for ${circled})`} and yellow laps run slow.
          <YellowKey types={spans.map((s) => s.type)} />
        </>
      }
    />
  )
}
