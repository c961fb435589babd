// How the simulated driver's outcome moves when one figure of the race changes: a line per swept
// figure through the race as asked (0 %, 0). In Monte Carlo the outcome is his mean points per race;
// in a single race, his race time.
import * as Plot from '@observablehq/plot'
import { ChartFrame } from './chart-frame.tsx'
import {
  raceSensitivityRows,
  studySensitivityRows,
  type RaceSensitivity,
  type SensitivityRow,
  type StudySensitivity,
} from './sensitivity-rows.ts'
import { usePlot } from './use-plot.ts'

export type SensitivityChartProps = { study: StudySensitivity; runs: number } | { race: RaceSensitivity }

export function SensitivityChart(props: SensitivityChartProps) {
  const inStudy = 'study' in props
  const sweep = inStudy ? props.study : props.race
  const rows = inStudy ? studySensitivityRows(props.study) : raceSensitivityRows(props.race)
  const unit = inStudy ? 'points per race' : 's'
  const yLabel = inStudy ? 'Change of mean points per race' : 'Change of race time (s)'
  const figures = [...new Set(rows.map((r) => r.figure))]
  const extremes = figures.map((figure) => {
    const line = rows.filter((r) => r.figure === figure)
    const [low, high] = [line[0]!, line[line.length - 1]!]
    return `${figure} ${low.pct} % to ${high.pct} %: ${low.delta.toFixed(2)} to ${high.delta.toFixed(2)} ${unit}`
  })
  const description = `${sweep.driver}'s ${inStudy ? 'mean points per race' : 'race time'} as one figure of the race changes, against the race as asked: ${extremes.join('; ')}.`

  const ref = usePlot(
    (width) =>
      Plot.plot({
        width,
        height: 300,
        ariaLabel: description,
        x: { label: 'Change of the figure (%)', grid: true },
        y: { label: yLabel, grid: true, nice: true },
        color: { legend: true, domain: figures, scheme: 'Dark2' },
        marks: [
          Plot.ruleY([0], { stroke: '#888' }),
          Plot.ruleX([0], { stroke: '#888' }),
          Plot.line(rows, { x: 'pct', y: 'delta', stroke: 'figure', strokeWidth: 2 }),
          Plot.dot(rows, { x: 'pct', y: 'delta', fill: 'figure', r: 3.5 }),
          Plot.tip(
            rows,
            Plot.pointer({
              x: 'pct',
              y: 'delta',
              title: (r: SensitivityRow) => `${r.figure} ${r.pct > 0 ? '+' : ''}${r.pct} %: ${r.outcome}`,
            }),
          ),
        ],
      }),
    [sweep, inStudy],
  )

  return (
    <ChartFrame
      name="sensitivity"
      title={`Sensitivity, ${sweep.driver}`}
      description={description}
      plotRef={ref}
      minHeight={300}
      caption={
        inStudy
          ? `Each point is the whole study again (${props.runs} runs, the same seed) with one figure changed for every car; 0 % is the study as asked. Up is better for ${sweep.driver}.`
          : `Each point is the race again with one figure changed for every car; 0 % is the race as asked. Down is faster.`
      }
    />
  )
}
