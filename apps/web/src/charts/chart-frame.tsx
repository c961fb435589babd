// The frame every chart shares: a <figure> end-to-end tests find by data-chart, labelled by its
// visible title, holding the drawing (role="img", described by aria-label: an SVG of 1,000 paths
// means nothing to a screen reader) and a caption saying what is and is not plotted.
import { useId, type ReactNode, type RefObject } from 'react'
import { YELLOW_FILL } from './yellow-phases.ts'

export interface ChartFrameProps {
  /** data-chart: the name e2e tests look for, e.g. "lap-times" */
  name: string
  title: string
  /** What the drawing shows, in words: the figure's aria-label. */
  description: string
  plotRef: RefObject<HTMLDivElement | null>
  caption?: ReactNode
  /** Minimum drawing height before the first measure, so the page does not jump when it draws. */
  minHeight?: number
}

const figureStyle = { margin: '0 0 1.5rem', minWidth: 0, maxWidth: '100%' } as const
const titleStyle = { fontWeight: 600, fontSize: '1rem', margin: '0 0 0.25rem' } as const
const captionStyle = { fontSize: '0.8125rem', color: '#555', margin: '0.25rem 0 0' } as const

export function ChartFrame({ name, title, description, plotRef, caption, minHeight = 240 }: ChartFrameProps) {
  const titleId = useId()
  return (
    <figure className="result-chart" data-chart={name} aria-labelledby={titleId} style={figureStyle}>
      <figcaption id={titleId} className="result-chart-title" style={titleStyle}>
        {title}
      </figcaption>
      <div
        ref={plotRef}
        className="result-chart-plot"
        role="img"
        aria-label={description}
        style={{ width: '100%', minHeight, overflow: 'hidden' }}
      />
      {caption === undefined ? null : (
        <p className="result-chart-caption" style={captionStyle}>
          {caption}
        </p>
      )}
    </figure>
  )
}

/** The shaded-band key the race charts put in their caption (the colour legend is the drivers'). */
export function YellowKey({ types }: { types: readonly ('SC' | 'VSC')[] }) {
  if (types.length === 0) return null
  const swatch = (colour: string) => (
    <span
      aria-hidden="true"
      style={{
        display: 'inline-block',
        width: '0.8em',
        height: '0.8em',
        background: colour,
        margin: '0 0.25em 0 0.5em',
        verticalAlign: 'middle',
      }}
    />
  )
  return (
    <>
      {' '}
      Shaded:
      {types.includes('SC') ? <>{swatch(YELLOW_FILL.SC)}safety car (SC)</> : null}
      {types.includes('VSC') ? <>{swatch(YELLOW_FILL.VSC)}virtual safety car (VSC)</> : null}.
    </>
  )
}
