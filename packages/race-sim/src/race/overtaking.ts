// Overtaking on track (Heilmeier et al. 2018, 2020): a car close behind is
// slowed by the duel; it passes when it is faster by the track's overtaking gap (less for a higher
// top speed, plus a team order), otherwise it is held at the minimum gap.
import type { RaceSetup } from './setup.ts'
import type { Workspace } from './workspace.ts'

/** Rounds of front-to-back passes per lap; the reference gives up (and voids the race) after 20. */
const MAX_ROUNDS = 20

/** Duels, passes and minimum gaps of one lap, applied to the lap times. */
export function handleOvertaking(s: RaceSetup, w: Workspace, lap: number): void {
  const { n, vMax, team, teamOrder } = s
  const { minGap, duelLoss, overtakenLoss } = s.race.rules
  const { overtakeGap, overtakeGapPerKmh } = s.race.track
  // The field's arrays in locals: this is the lap's busiest loop.
  const { order, pos, lapTime, raceTime, retireLap, overtakeOk, duelDone } = w
  const row = lap * n
  const prevRow = (lap - 1) * n
  const t = w.scratch
  for (let d = 0; d < n; d++) {
    t[d] = raceTime[prevRow + d]! + lapTime[row + d]!
    duelDone[d] = 0
  }

  // Repeat while cars change places, so a much faster car can pass several in one lap.
  let changed = true
  for (let round = 0; changed && round < MAX_ROUNDS; round++) {
    changed = false
    for (let p = 1; p < n; p++) {
      const front = order[p - 1]!
      const back = order[p]!
      if (lap >= retireLap[back]!) break
      const allowed = overtakeOk[front] === 1 && overtakeOk[back] === 1

      if (allowed && t[back]! - t[front]! < minGap) {
        // Both lose the duel time, once per lap each.
        if (duelDone[front] === 0) {
          lapTime[row + front]! += duelLoss
          t[front]! += duelLoss
          duelDone[front] = 1
        }
        if (duelDone[back] === 0) {
          lapTime[row + back]! += duelLoss
          t[back]! += duelLoss
          duelDone[back] = 1
        }
      }

      const advantage = t[front]! - t[back]!
      let required = Infinity
      if (allowed) {
        required = overtakeGap + overtakeGapPerKmh * (vMax[back]! - vMax[front]!)
        if (team[front] === team[back]) required += teamOrder[back]!
      }

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
