// Each driver's stints as bars over the laps, coloured by compound, with his stops marked by why
// they were made: the plan, a safety car or VSC, or covering the undercut of the car behind.
import * as Plot from '@observablehq/plot'
import { ChartFrame, YellowKey } from './chart-frame.tsx'
import { describeFocus, describeYellows } from './chart-text.ts'
import { compoundLabel, compoundScale } from './compound-colours.ts'
import { knownFocus } from './driver-colours.ts'
import { yellowBands } from './race-marks.ts'
import { classifiedDrivers, raceLaps } from './race-rows.ts'
import type { RaceResult } from './result-kinds.ts'
import { pitStopRows, stintRows, type PitStopRow, type StintRow } from './stint-rows.ts'
import { usePlot } from './use-plot.ts'
import { yellowSpans } from './yellow-phases.ts'

export interface TyreStintsChartProps {
  result: RaceResult
  focusDriver?: string
}

const REASONS = ['planned', 'yellow', 'cover'] as const
const REASON_LABEL: Record<(typeof REASONS)[number], string> = {
  planned: 'planned',
  yellow: 'under SC/VSC',
  cover: 'covering an undercut',
}

export function TyreStintsChart({ result, focusDriver }: TyreStintsChartProps) {
  const stints = stintRows(result)
  const stops = pitStopRows(result)
  const drivers = classifiedDrivers(result)
  const focus = knownFocus(focusDriver, drivers)
  const laps = raceLaps(result)
  const spans = yellowSpans(result)
  const reasonsSeen = REASONS.filter((r) => stops.some((s) => s.reason === r))
  const reactive = stops.filter((s) => s.reason !== 'planned')
  const yellows = describeYellows(spans)
  const focusStints =
    focus === undefined
      ? ''
      : `; ${focus}: ${stints
          .filter((s) => s.driver === focus)
          .map((s) => `${s.compound} laps ${s.startLap + 1}-${s.endLap}`)
          .join(', ')}`
  const description = `Tyre stints of ${drivers.length} drivers over ${laps} laps as bars coloured by compound, ${stops.length} pit stops marked${reactive.length === 0 ? ', all planned' : ` (${reactive.filter((s) => s.reason === 'yellow').length} under a yellow, ${reactive.filter((s) => s.reason === 'cover').length} to cover an undercut)`}${describeFocus(focus)}${focusStints}${yellows === '' ? '' : `; ${yellows}`}.`
  const height = drivers.length * 22 + 90

  const ref = usePlot(
    (width) => {
      const compounds = compoundScale(stints.map((s) => s.compound))
      const faded = (driver: string) => (focus === undefined || driver === focus ? 1 : 0.4)
      return Plot.plot({
        width,
        height,
        marginLeft: 44,
        ariaLabel: description,
        x: { label: 'Lap', domain: [0, laps], grid: true },
        y: { label: null, domain: drivers },
        color: { type: 'ordinal', domain: compounds.domain, range: compounds.range, legend: true, tickFormat: compoundLabel },
        symbol: {
          type: 'ordinal',
          domain: reasonsSeen,
          range: reasonsSeen.map((r) => (r === 'planned' ? 'circle' : r === 'yellow' ? 'triangle' : 'diamond')),
          legend: true,
          tickFormat: (r: (typeof REASONS)[number]) => `Stop: ${REASON_LABEL[r]}`,
        },
        marks: [
          Plot.barX(stints, {
            x1: 'startLap',
            x2: 'endLap',
            y: 'driver',
            fill: 'compound',
            fillOpacity: { value: (s: StintRow) => faded(s.driver), scale: null },
            stroke: '#333',
            strokeWidth: 0.5,
            insetTop: 2,
            insetBottom: 2,
          }),
          // Over the bars, pale: the bands tint every car's stint where the field was under a yellow.
          ...yellowBands(spans, 0.35),
          Plot.dot(stops, {
            x: 'lap',
            y: 'driver',
            symbol: 'reason',
            // Shape alone tells the reason (as in the symbol legend), so the marks stay solid on any compound.
            fill: '#111',
            stroke: 'white',
            strokeWidth: 0.75,
            r: 4,
            strokeOpacity: { value: (s: PitStopRow) => faded(s.driver), scale: null },
            fillOpacity: { value: (s: PitStopRow) => faded(s.driver), scale: null },
          }),
          Plot.tip(
            stints,
            Plot.pointer({
              x1: 'startLap',
              x2: 'endLap',
              y: 'driver',
              title: (s: StintRow) =>
                `${s.driver} stint ${s.stint}: ${s.compound}, laps ${s.startLap + 1}-${s.endLap}${s.tyreAge > 0 ? ` (set ${s.tyreAge} laps old)` : ''}`,
            }),
          ),
        ],
      })
    },
    [result, focus],
  )

  return (
    <ChartFrame
      name="tyre-stints"
      title="Tyre stints"
      description={description}
      plotRef={ref}
      minHeight={height}
      caption={
        <>
          A bar per stint from the stop that fitted the set to the next in-lap (or the car&apos;s last lap); A1 is the hardest compound, A7
          the softest. Stops: ● planned, ▲ brought forward under a safety car or VSC, ◆ brought forward to cover an undercut.
          <YellowKey types={spans.map((s) => s.type)} />
        </>
      }
    />
  )
}
