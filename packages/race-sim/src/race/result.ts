// The contract's race result from a finished workspace.
import type { ClassificationEntry, FcyPhaseEntry, PitStopEntry, RaceResult } from '../contract.ts'
import { roundMs } from '../round.ts'
import { lapsDone } from './finish.ts'
import type { RaceSetup } from './setup.ts'
import type { TimedPhases, Workspace } from './workspace.ts'

/** The contract's race result (times rounded to the ms) of a finished workspace. */
export function raceResult(s: RaceSetup, w: Workspace, phases: TimedPhases): Omit<RaceResult, 'warnings'> {
  const { n, laps } = s
  const winner = w.order[0]!
  const winnerTime = w.raceTime[lapsDone(s, w, winner) * n + winner]!
  const lapTimes: Record<string, number[]> = {}
  const positions: Record<string, number[]> = {}
  const classification: ClassificationEntry[] = []
  const pitStops: PitStopEntry[] = []

  for (let d = 0; d < n; d++) {
    const code = s.codes[d]!
    const done = lapsDone(s, w, d)
    const times: number[] = []
    const places: number[] = []
    for (let l = 1; l <= laps; l++) {
      if (l <= done) times.push(roundMs(w.lapTime[l * n + d]!))
      places.push(w.pos[l * n + d]!)
    }
    lapTimes[code] = times
    positions[code] = places
    const retired = w.retireLap[d]! <= laps
    const raceTime = w.raceTime[done * n + d]!
    classification.push({
      position: w.pos[laps * n + d]!,
      driver: code,
      laps: done,
      race_time: roundMs(raceTime),
      gap: retired ? null : roundMs(raceTime - winnerTime),
      status: retired ? 'retired' : 'finished',
    })
    for (let k = s.stintFrom[d]! + 1; k < s.stintFrom[d + 1]!; k++) {
      const standstill = w.standstill[k]!
      if (standstill !== standstill) continue
      const stint = s.stints[k]!
      pitStops.push({
        driver: code,
        lap: stint.startLap,
        compound: stint.compound,
        tire_age: stint.tyreAge,
        refuel_kg: stint.refuelKg,
        standstill: roundMs(standstill),
      })
    }
  }
  classification.sort((a, b) => a.position - b.position)
  pitStops.sort((a, b) => a.lap - b.lap || a.driver.localeCompare(b.driver))
  const fcyPhases: FcyPhaseEntry[] = []
  for (let p = 0; p < phases.count; p++) {
    const end = phases.end[p]!
    fcyPhases.push({ type: phases.sc[p] === 1 ? 'SC' : 'VSC', start: roundMs(phases.start[p]!), end: end === Infinity ? null : roundMs(end) })
  }
  return { classification, lap_times: lapTimes, positions, pit_stops: pitStops, fcy_phases: fcyPhases }
}
