// Where each driver finished over a study's runs: a heat map (drivers by win share down, positions
// across), which keeps 20 distributions side by side legible where 20 bar charts would not be.
import * as Plot from '@observablehq/plot'
import { ChartFrame } from './chart-frame.tsx'
import { describeFocus } from './chart-text.ts'
import { knownFocus } from './driver-colours.ts'
import { fieldSize, positionShareRows, studyDrivers, type PositionShareRow } from './monte-carlo-rows.ts'
import type { MonteCarloResult } from './result-kinds.ts'
import { usePlot } from './use-plot.ts'

export interface PositionDistributionChartProps {
  result: MonteCarloResult
  focusDriver?: string
}

export function PositionDistributionChart({ result, focusDriver }: PositionDistributionChartProps) {
  const rows = positionShareRows(result)
  const drivers = studyDrivers(result)
  const focus = knownFocus(focusDriver, drivers)
  const size = fieldSize(result)
  const positions = Array.from({ length: size }, (_, i) => i + 1)
  const top = result.drivers[0]
  const focusText =
    focus === undefined
      ? ''
      : `; ${focus}: ${rows
          .filter((r) => r.driver === focus)
          .sort((a, b) => b.share - a.share)
          .slice(0, 3)
          .map((r) => `P${r.position} ${r.share.toFixed(1)} %`)
          .join(', ')}`
  const description = `Heat map of the share of ${result.runs} runs each of ${drivers.length} drivers finished in each position 1 to ${size}${top === undefined ? '' : `; ${top.driver} wins ${(top.win * 100).toFixed(1)} %`}${describeFocus(focus)}${focusText}.`
  const height = drivers.length * 20 + 100

  const ref = usePlot(
    (width) =>
      Plot.plot({
        width,
        height,
        marginLeft: 44,
        ariaLabel: description,
        x: {
          label: 'Finishing position',
          domain: positions,
          axis: 'top',
          tickFormat: (p: number) => (width < 500 && p % 2 === 0 ? '' : String(p)),
        },
        y: { label: null, domain: drivers },
        color: { type: 'sqrt', scheme: 'blues', domain: [0, 100], label: 'Share of runs (%)', legend: true },
        marks: [
          Plot.cell(rows, { x: 'position', y: 'driver', fill: 'share', inset: 0.5 }),
          // Numbers only where they fit and matter; the tip gives the rest.
          Plot.text(
            rows.filter((r) => r.share >= 10 && width >= 500),
            {
              x: 'position',
              y: 'driver',
              text: (r: PositionShareRow) => r.share.toFixed(0),
              fill: { value: (r: PositionShareRow) => (r.share >= 50 ? 'white' : 'black'), scale: null },
              fontSize: 9,
            },
          ),
          Plot.cell(focus === undefined ? [] : positions.map((position) => ({ position, driver: focus })), {
            x: 'position',
            y: 'driver',
            stroke: '#111',
            strokeWidth: 1.5,
            fill: 'none',
          }),
          Plot.tip(
            rows,
            Plot.pointer({
              x: 'position',
              y: 'driver',
              title: (r: PositionShareRow) => `${r.driver} P${r.position}: ${r.share.toFixed(1)} % of runs`,
            }),
          ),
        ],
      }),
    [result, focus],
  )

  return (
    <ChartFrame
      name="position-distribution"
      title="Finishing positions"
      description={description}
      plotRef={ref}
      minHeight={height}
      caption={`Share of the ${result.runs} runs each driver finished in each place (a row sums to 100 %). Retirements are classified at the back, so a driver's DNF share sits in the last places.`}
    />
  )
}
