// Re-ordering the field by race time and keeping the minimum gap between cars.
//
// The sorts here run several times a lap, so they are insertion sorts over w.order with the
// comparison a plain module-level function: each lap starts from the last lap's order, nearly
// sorted, and a comparison closure built per lap costs more than the sort (and tsx, which runs
// this code, wraps every closure it creates in a naming call).
import type { RaceSetup } from './setup.ts'
import type { Workspace } from './workspace.ts'

/** Writes each car's position in `order[0..n)` into the lap row of `pos` starting at `row`. */
export function writePositions(order: Int32Array, pos: Int32Array, row: number, n: number): void {
  for (let p = 0; p < n; p++) pos[row + order[p]!] = p + 1
}

/** sortByTimes' order: by time (NaN = retired, last), ties by current position, then driver index. */
function aheadByTime(times: Float64Array, pos: Int32Array, row: number, a: number, b: number): boolean {
  const ta = times[a]!
  const tb = times[b]!
  const ka = ta === ta ? ta : Infinity
  const kb = tb === tb ? tb : Infinity
  if (ka !== kb) return ka < kb
  const pa = pos[row + a]!
  const pb = pos[row + b]!
  if (pa !== pb) return pa < pb
  return a < b
}

/** Sorts w.order by `times` (NaN = retired, last), ties by current position then driver index, and writes the positions of `lap`. */
export function sortByTimes(s: RaceSetup, w: Workspace, lap: number, times: Float64Array): void {
  const { order, pos } = w
  const { n } = s
  const row = lap * n
  for (let i = 1; i < n; i++) {
    const x = order[i]!
    let j = i - 1
    while (j >= 0 && aheadByTime(times, pos, row, x, order[j]!)) {
      order[j + 1] = order[j]!
      j--
    }
    order[j + 1] = x
  }
  writePositions(order, pos, row, n)
}

/**
 * Front to back: a car closer than the minimum gap to the car ahead (or ahead of it) is held back
 * to exactly that gap; the held time is added to its lap.
 */
export function keepMinimumGaps(s: RaceSetup, w: Workspace, lap: number, times: Float64Array): void {
  const minGap = s.race.rules.minGap
  const row = lap * s.n
  for (let p = 1; p < s.n; p++) {
    const front = w.order[p - 1]!
    const back = w.order[p]!
    if (lap >= w.retireLap[back]!) break
    const gap = times[back]! - times[front]!
    if (gap < minGap) {
      const held = times[front]! + minGap - times[back]!
      w.lapTime[row + back]! += held
      times[back] = times[front]! + minGap
    }
  }
}
