// Words the charts' captions and aria-labels share.
import type { YellowSpan } from './yellow-phases.ts'

const lapFormat = (lap: number) => String(Number(lap.toFixed(1)))

/** "a VSC from lap 0.8 to 1.6 and an SC from lap 14.4 to 18.1", or "" without phases. */
export function describeYellows(spans: readonly YellowSpan[]): string {
  if (spans.length === 0) return ''
  const parts = spans.map((s) => `${s.type === 'SC' ? 'an SC' : 'a VSC'} from lap ${lapFormat(s.startLap)} to ${lapFormat(s.endLap)}`)
  return parts.length === 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`
}

export function describeFocus(focus: string | undefined): string {
  return focus === undefined ? '' : `; ${focus} highlighted`
}
