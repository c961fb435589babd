// The chequered flag: once the winner has finished, every other car ends the lap it is on, so lapped
// cars complete fewer laps; then each lap's positions are re-ranked by race time.
import type { RaceSetup } from './setup.ts'
import type { Workspace } from './workspace.ts'
import { writePositions } from './positions.ts'

/** Laps completed by driver d (after finishRace: the lapped cars' shortened distance). */
export function lapsDone(s: RaceSetup, w: Workspace, d: number): number {
  let l = Math.min(w.retireLap[d]! - 1, s.laps)
  while (l > 0 && w.raceTime[l * s.n + d] !== w.raceTime[l * s.n + d]) l--
  return l
}

/** Cuts the lapped cars' laps after the flag and re-ranks every lap. */
export function finishRace(s: RaceSetup, w: Workspace): void {
  const { n, laps } = s
  // The lap loop sets a driver's progress only when he retires; a car still running has driven them all.
  for (let d = 0; d < n; d++) if (w.retireLap[d]! > laps) w.progress[d] = laps
  const winner = w.order[0]!
  const winnerTime = w.raceTime[lapsDone(s, w, winner) * n + winner]!

  for (let d = 0; d < n; d++) {
    if (d === winner) continue
    // The first lap he ends after the winner's flag. Race times grow lap by lap (every lap takes
    // time), so it is found from the last lap back: one or two laps looked at, not the race.
    const done = lapsDone(s, w, d)
    let flagLap = 0
    if (done > 0 && w.raceTime[done * n + d]! > winnerTime) {
      flagLap = done
      while (flagLap > 1 && w.raceTime[(flagLap - 1) * n + d]! > winnerTime) flagLap--
    }
    if (flagLap === 0 || flagLap >= laps) continue
    const finalPos = w.pos[flagLap * n + d]!
    for (let l = flagLap + 1; l <= laps; l++) {
      w.pos[l * n + d] = finalPos
      w.lapTime[l * n + d] = NaN
      w.raceTime[l * n + d] = NaN
    }
    w.progress[d] = flagLap
  }

  // Per lap: cars by race time at that lap, then those without one (most progress first), then as they were.
  const order = w.order
  for (let l = 1; l <= laps; l++) rankLap(w, order, l * n, n)
}

/** rankLap's order of cars a and b at the lap row starting at `row` when their race times there are equal (both none): most progress first, then as they were. */
function tieAhead(w: Workspace, row: number, a: number, b: number): boolean {
  if (w.progress[a] !== w.progress[b]) return w.progress[a]! > w.progress[b]!
  const pa = w.pos[row + a]!
  const pb = w.pos[row + b]!
  return pa !== pb ? pa < pb : a < b
}

/**
 * Re-orders `order` for one lap row (insertion sort from the previous lap's order, nearly sorted;
 * module-level functions rather than a closure per lap, see positions.ts) and writes its positions.
 * The car being placed has its race time read once, not once per comparison.
 */
function rankLap(w: Workspace, order: Int32Array, row: number, n: number): void {
  const raceTime = w.raceTime
  for (let i = 1; i < n; i++) {
    const x = order[i]!
    const tx = raceTime[row + x]!
    const kx = tx === tx ? tx : Infinity
    let j = i - 1
    for (; j >= 0; j--) {
      const y = order[j]!
      const ty = raceTime[row + y]!
      const ky = ty === ty ? ty : Infinity
      if (kx > ky || (kx === ky && !tieAhead(w, row, x, y))) break
      order[j + 1] = y
    }
    order[j + 1] = x
  }
  writePositions(order, w.pos, row, n)
}
