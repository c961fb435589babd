// Tyre stints per driver from the pit stops (the in-laps) and the lap detail (the start compound).
// A stint runs on race progress from one in-lap's line to the next, so a driver's bars tile
// [0, laps completed] end to end: the stop sits on the boundary, drawn as a mark of its own.
import type { RaceResult } from './result-kinds.ts'
import { classifiedDrivers } from './race-rows.ts'

export type StopReason = 'planned' | 'yellow' | 'cover'

export interface StintRow {
  driver: string
  /** 1-based stint number */
  stint: number
  compound: string
  /** Race progress, laps: the start (0) or the in-lap of the stop that fitted this set. */
  startLap: number
  /** Race progress, laps: the next in-lap or the laps completed. */
  endLap: number
  /** Age of the set at the stint's start, laps. */
  tyreAge: number
}

export interface PitStopRow {
  driver: string
  lap: number
  compound: string
  reason: StopReason
  /** s */
  standstill: number
}

export function stintRows(result: RaceResult): StintRow[] {
  const lapsDone = new Map(result.classification.map((c) => [c.driver, c.laps]))
  return classifiedDrivers(result).flatMap((driver) => {
    const laps = lapsDone.get(driver) ?? 0
    const detail = result.lap_detail[driver]
    const stops = result.pit_stops.filter((s) => s.driver === driver).sort((a, b) => a.lap - b.lap)
    // Bounds of each stint: the start, every in-lap, the last lap completed; the sets between them.
    const bounds = [0, ...stops.map((s) => s.lap), laps]
    const sets = [
      { compound: detail?.compound[0] ?? '?', tyreAge: detail?.tyre_age[0] ?? 0 },
      ...stops.map((s) => ({ compound: s.compound, tyreAge: s.tire_age })),
    ]
    const own: StintRow[] = []
    sets.forEach((set, i) => {
      const startLap = bounds[i] ?? 0
      const endLap = Math.min(bounds[i + 1] ?? laps, laps)
      // A stop on the last lap a car completed fits a set it never drove on: no bar for it.
      if (endLap > startLap) own.push({ driver, stint: own.length + 1, ...set, startLap, endLap })
    })
    return own
  })
}

export function pitStopRows(result: RaceResult): PitStopRow[] {
  return result.pit_stops.map((s) => ({
    driver: s.driver,
    lap: s.lap,
    compound: s.compound,
    // Results from before the strategy engineer carry no reason: every stop then was the plan.
    reason: s.reason ?? 'planned',
    standstill: s.standstill,
  }))
}
