// Re-ordering the field by race time and keeping the minimum gap between cars.
import type { RaceSetup } from './setup.ts'
import type { Workspace } from './workspace.ts'

/**
 * Re-orders `order[0..n)` so `before(a, b)` holds front to back, and writes each car's position of
 * lap `row / n` into `pos`. Insertion sort: each lap starts from the last lap's order, nearly sorted.
 */
export function reorderField(order: Int32Array, pos: Int32Array, row: number, n: number, before: (a: number, b: number) => boolean): void {
  for (let i = 1; i < n; i++) {
    const x = order[i]!
    let j = i - 1
    while (j >= 0 && before(x, order[j]!)) {
      order[j + 1] = order[j]!
      j--
    }
    order[j + 1] = x
  }
  for (let p = 0; p < n; p++) pos[row + order[p]!] = p + 1
}

/** Sorts w.order by `times` (NaN = retired, last), ties by current position then driver index, and writes the positions of `lap`. */
export function sortByTimes(s: RaceSetup, w: Workspace, lap: number, times: Float64Array): void {
  const { order, pos } = w
  const row = lap * s.n
  const before = (a: number, b: number): boolean => {
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
  reorderField(order, pos, row, s.n, before)
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
