// The contract's race result from a finished workspace.
import type { ClassificationEntry, FcyPhaseEntry, LapDetailJson, PitStopEntry, RaceResult } from '../contract.ts'
import { roundMs } from '../round.ts'
import { lapsDone } from './finish.ts'
import type { RaceSetup } from './setup.ts'
import { FLAG_SC, FLAG_VSC, STOP_COVER, STOP_PLANNED, STOP_YELLOW, type LapDetail, type TimedPhases, type Workspace } from './workspace.ts'

/** A stop's reason as results name it, by workspace code. */
const STOP_REASONS: Record<number, PitStopEntry['reason']> = { [STOP_PLANNED]: 'planned', [STOP_YELLOW]: 'yellow', [STOP_COVER]: 'cover' }

/** The contract's race result (times rounded to the ms) of a finished workspace. */
export function raceResult(s: RaceSetup, w: Workspace, phases: TimedPhases): Omit<RaceResult, 'warnings' | 'lap_detail'> {
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
        lap: w.stopLap[k]!,
        compound: stint.compound,
        tire_age: stint.tyreAge,
        refuel_kg: stint.refuelKg,
        standstill: roundMs(standstill),
        reason: STOP_REASONS[w.stopReason[k]!]!,
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

/** Every driver's laps broken down (the workspace must have been created with `detail`). */
export function lapDetail(s: RaceSetup, w: Workspace): Record<string, LapDetailJson> {
  const detail: LapDetail | null = w.detail
  if (detail === null) throw new Error('lapDetail needs a workspace created with { detail: true }')
  const { n } = s
  const t = s.race.track
  // The car in first place at the end of each lap.
  const leader = new Int32Array(s.laps + 1)
  for (let lap = 1; lap <= s.laps; lap++) for (let d = 0; d < n; d++) if (w.pos[lap * n + d] === 1) leader[lap] = d
  const out: Record<string, LapDetailJson> = {}
  for (let d = 0; d < n; d++) {
    const laps: LapDetailJson = { flag: [], compound: [], tyre_age: [], fuel_kg: [], gap_to_leader: [], base: [], tyres: [], fuel: [], drs: [], pit: [], traffic_yellow: [] }
    for (let lap = 1; lap <= lapsDone(s, w, d); lap++) {
      const cell = lap * n + d
      let base = s.base + s.tCar[d]! + s.tDriver[d]!
      if (lap === 1) base += t.firstLapLoss + (s.grid[d]! - 1) * t.gridLossPerPosition
      const flag = detail.flag[cell]!
      laps.flag.push(flag === FLAG_SC ? 'SC' : flag === FLAG_VSC ? 'VSC' : 'green')
      laps.compound.push(s.stints[detail.stint[cell]!]!.compound)
      laps.tyre_age.push(roundMs(detail.tyreAge[cell]!))
      laps.fuel_kg.push(roundMs(detail.fuelKg[cell]!))
      laps.gap_to_leader.push(roundMs(w.raceTime[cell]! - w.raceTime[lap * n + leader[lap]!]!))
      laps.base.push(roundMs(base))
      laps.tyres.push(roundMs(detail.tyres[cell]!))
      laps.fuel.push(roundMs(detail.fuelLoss[cell]!))
      laps.drs.push(roundMs(detail.drs[cell]!))
      laps.pit.push(roundMs(detail.pit[cell]!))
      const explained = base + detail.tyres[cell]! + detail.fuelLoss[cell]! + detail.drs[cell]! + detail.pit[cell]!
      laps.traffic_yellow.push(roundMs(w.lapTime[cell]! - explained))
    }
    out[s.codes[d]!] = laps
  }
  return out
}
