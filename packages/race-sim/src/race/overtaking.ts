// Overtaking on track (Heilmeier et al. 2018, 2020): a car close behind is
// slowed by the duel; it passes when it is faster by the track's overtaking gap (less for a higher
// top speed, plus a team order), otherwise it is held at the minimum gap.
import type { RaceSetup } from './setup.ts'
import type { Workspace } from './workspace.ts'

/** Rounds of front-to-back passes per lap; the reference gives up (and voids the race) after 20. */
const MAX_ROUNDS = 20

/** Duels, passes and minimum gaps of one lap, applied to the lap times. */
export function handleOvertaking(s: RaceSetup, w: Workspace, lap: number): void {
  const { n, overtakeRequired } = s
  const { minGap, duelLoss, overtakenLoss } = s.race.rules
  // The field's arrays in locals: this is the lap's busiest loop.
  const { order, pos, lapTime, retireLap, noOvertakeLap, duelLap } = w
  const row = lap * n
  // Each car's race time at the end of this lap so far, left by the own-lap pass (or retirements).
  const t = w.scratch

  // Repeat while cars change places, so a much faster car can pass several in one lap.
  let changed = true
  for (let round = 0; changed && round < MAX_ROUNDS; round++) {
    changed = false
    for (let p = 1; p < n; p++) {
      const front = order[p - 1]!
      const back = order[p]!
      if (lap >= retireLap[back]!) break
      const allowed = noOvertakeLap[front] !== lap && noOvertakeLap[back] !== lap

      if (allowed && t[back]! - t[front]! < minGap) {
        // Both lose the duel time, once per lap each.
        if (duelLap[front] !== lap) {
          lapTime[row + front]! += duelLoss
          t[front]! += duelLoss
          duelLap[front] = lap
        }
        if (duelLap[back] !== lap) {
          lapTime[row + back]! += duelLoss
          t[back]! += duelLoss
          duelLap[back] = lap
        }
      }

      const advantage = t[front]! - t[back]!
      const required = allowed ? overtakeRequired[front * n + back]! : Infinity

      if (advantage >= required) {
        order[p - 1] = back
        order[p] = front
        pos[row + back] = p
        pos[row + front] = p + 1
        lapTime[row + front]! += overtakenLoss
        t[front]! += overtakenLoss
        changed = true
      } else if (advantage > -minGap) {
        const held = t[front]! + minGap - t[back]!
        lapTime[row + back]! += held
        t[back] = t[front]! + minGap
      }
    }
  }
}
