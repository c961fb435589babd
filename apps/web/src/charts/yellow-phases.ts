// The result times safety-car phases in race seconds (the leader's race time), while the race charts
// run on laps; the leader's line crossings turn one into the other, so a phase is shaded where the
// field was under it rather than where one car was.
import type { RaceResult } from './result-kinds.ts'
import { raceLaps } from './race-rows.ts'

/** Band colours: the SC a deeper yellow than the VSC, both pale enough to draw lines over. */
export const YELLOW_FILL = { SC: '#f7d046', VSC: '#fbeaa5' } as const

export interface YellowSpan {
  type: 'SC' | 'VSC'
  /** Race progress in laps of the leader (20.5: halfway round lap 21). */
  startLap: number
  endLap: number
}

/** Race time of the leader at the end of each lap: index k = end of lap k (index 0 = the start, 0 s). */
export function leaderLineTimes(result: RaceResult): number[] {
  const cumulative = Object.values(result.lap_times).map((times) => {
    let sum = 0
    return times.map((t) => (sum += t))
  })
  const laps = raceLaps(result)
  const line = [0]
  for (let lap = 1; lap <= laps; lap++) {
    // The leader at a line is whoever crosses it first: the least time among the cars that reached it.
    const crossings = cumulative.map((c) => c[lap - 1]).filter((t): t is number => t !== undefined)
    line.push(crossings.length > 0 ? Math.min(...crossings) : (line[lap - 1] ?? 0))
  }
  return line
}

/** Race time (s) to race progress (laps), by linear interpolation within the leader's lap. */
export function raceTimeToLap(time: number, line: readonly number[]): number {
  const laps = line.length - 1
  if (time <= 0) return 0
  for (let lap = 1; lap <= laps; lap++) {
    const end = line[lap] ?? 0
    if (time <= end) {
      const start = line[lap - 1] ?? 0
      return lap - 1 + (end > start ? (time - start) / (end - start) : 0)
    }
  }
  return laps
}

export function yellowSpans(result: RaceResult): YellowSpan[] {
  const line = leaderLineTimes(result)
  const laps = line.length - 1
  return result.fcy_phases.map((phase) => ({
    type: phase.type,
    startLap: raceTimeToLap(phase.start, line),
    endLap: phase.end === null ? laps : raceTimeToLap(phase.end, line),
  }))
}
