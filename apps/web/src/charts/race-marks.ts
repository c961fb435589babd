// Marks the race charts share: the SC/VSC bands behind the data and one line per driver with the
// focus drawn last and bold, so 20 lines stay readable when one matters.
import * as Plot from '@observablehq/plot'
import { driverEmphasis, type DriverColours } from './driver-colours.ts'
import { YELLOW_FILL, type YellowSpan } from './yellow-phases.ts'

/** opacity: behind lines the bands can be strong; over bars (tyre stints) they must stay a tint. */
export function yellowBands(spans: readonly YellowSpan[], opacity = 0.6): Plot.Markish[] {
  if (spans.length === 0) return []
  return [
    // With x1/x2 only, a rect spans the frame's full height: the whole field was under the phase.
    Plot.rect(spans, {
      x1: 'startLap',
      x2: 'endLap',
      fill: { value: (s: YellowSpan) => YELLOW_FILL[s.type], scale: null },
      fillOpacity: opacity,
    }),
    Plot.text(spans, {
      x: (s: YellowSpan) => (s.startLap + s.endLap) / 2,
      text: 'type',
      frameAnchor: 'top',
      dy: 2,
      fontSize: 9,
      fill: '#7a5c00',
    }),
  ]
}

interface Row {
  driver: string
}

/**
 * Lines per driver on x/y; the focus driver's line is drawn on top, thicker, with his code at its end
 * (unless the chart labels every line itself: label false).
 */
export function driverLines<T extends Row>(
  rows: readonly T[],
  x: keyof T & string,
  y: keyof T & string,
  focus: string | undefined,
  { label = true } = {},
): Plot.Markish[] {
  const others = focus === undefined ? rows : rows.filter((r) => r.driver !== focus)
  const focused = focus === undefined ? [] : rows.filter((r) => r.driver === focus)
  const faded = driverEmphasis('', focus)
  const bold = driverEmphasis(focus ?? '', focus)
  return [
    Plot.line(others, { x, y, z: 'driver', stroke: 'driver', strokeWidth: faded.strokeWidth, strokeOpacity: faded.opacity }),
    Plot.line(focused, { x, y, z: 'driver', stroke: 'driver', strokeWidth: bold.strokeWidth, strokeOpacity: bold.opacity }),
    Plot.text(
      label ? focused : [],
      Plot.selectLast({ x, y, z: 'driver', text: 'driver', fill: 'driver', dx: 4, textAnchor: 'start', fontWeight: 700 }),
    ),
  ]
}

export function driverColourScale(colours: DriverColours, legend = true): Plot.ScaleOptions {
  return { type: 'ordinal', domain: colours.domain, range: colours.range, legend }
}
