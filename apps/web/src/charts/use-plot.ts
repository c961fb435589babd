// Draws an Observable Plot figure into a container at the container's own width and redraws it when
// the width or the data change. Plot renders a fixed-size SVG, so responsiveness is a redraw at the
// measured width (a ResizeObserver), not CSS scaling: text stays legible on a phone.
import { useEffect, useRef, useState, type DependencyList, type RefObject } from 'react'

/** The width (px) of the element behind ref; 0 until it has been measured (and on the server). */
export function useContainerWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const node = ref.current
    if (node === null) return
    setWidth(Math.floor(node.clientWidth))
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect
      // Whole pixels only: sub-pixel jitter would redraw the chart in a loop of tiny changes.
      if (box !== undefined) setWidth(Math.floor(box.width))
    })
    observer.observe(node)
    return () => observer.disconnect()
  }, [ref])
  return width
}

/**
 * Returns the ref of the container to draw into. `draw` gets the measured width and returns the
 * figure (Plot.plot's answer, or an element holding several); deps are what the figure depends on
 * besides the width. The previous figure is replaced on change and removed on unmount.
 */
export function usePlot(draw: (width: number) => Element, deps: DependencyList): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement | null>(null)
  const width = useContainerWidth(ref)
  useEffect(() => {
    const node = ref.current
    if (node === null || width <= 0) return
    const figure = draw(width)
    // Plot wraps a plot with legends in a <figure>, whose default 40 px side margins would shrink
    // the SVG (drawn at the full width) below its size and its text with it.
    if (figure instanceof HTMLElement && figure.tagName === 'FIGURE') figure.style.margin = '0'
    node.replaceChildren(figure)
    return () => figure.remove()
  }, [width, ...deps]) // draw is a fresh closure each render: deps name what it reads
  return ref
}

/** A chart's height for a width: wide screens get a landscape figure, phones a taller one. */
export function chartHeight(width: number, { min = 240, max = 440, ratio = 0.55 } = {}): number {
  return Math.round(Math.min(max, Math.max(min, width < 500 ? width * 0.9 : width * ratio)))
}
