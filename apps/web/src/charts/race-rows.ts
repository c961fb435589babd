// Rows of the race charts (one per driver and lap), from a race result. Laps count from 1; a row's
// lap is the lap just completed, so x = 3 is the line at the end of lap 3 (race progress 3).
import type { RaceResult, SingleCarResult } from './result-kinds.ts'

export interface LapTimeRow {
  driver: string
  lap: number
  /** s */
  time: number
  compound: string | undefined
  flag: 'green' | 'VSC' | 'SC' | undefined
  /** An in- or out-lap: its time holds pit-lane losses, not pace. */
  pit: boolean
}

export interface PositionRow {
  driver: string
  lap: number
  position: number
  /** The engine keeps a retired car's last position to the flag; the chart ends his line instead. */
  retired: boolean
}

export interface GapRow {
  driver: string
  lap: number
  /** s behind the leader at the line (0 for the leader); lapped cars carry more than a lap time. */
  gap: number
}

/** The race distance in laps: the most laps any car completed. */
export function raceLaps(result: RaceResult): number {
  return Math.max(0, ...result.classification.map((c) => c.laps))
}

/** Drivers by final classification: the order legends and labels follow. */
export function classifiedDrivers(result: RaceResult): string[] {
  return [...result.classification].sort((a, b) => a.position - b.position).map((c) => c.driver)
}

export function lapTimeRows(result: RaceResult): LapTimeRow[] {
  const rows: LapTimeRow[] = []
  for (const driver of classifiedDrivers(result)) {
    const times = result.lap_times[driver] ?? []
    const detail = result.lap_detail[driver]
    times.forEach((time, i) => {
      rows.push({
        driver,
        lap: i + 1,
        time,
        compound: detail?.compound[i],
        flag: detail?.flag[i],
        pit: (detail?.pit[i] ?? 0) > 0,
      })
    })
  }
  return rows
}

/** A single car's laps, under the name the simulation gives him (single mode's result has none). */
export function singleCarLapTimeRows(result: SingleCarResult, driver: string): LapTimeRow[] {
  return result.lap_times.map((time, i) => ({ driver, lap: i + 1, time, compound: undefined, flag: undefined, pit: false }))
}

export function positionRows(result: RaceResult): PositionRow[] {
  const rows: PositionRow[] = []
  for (const entry of result.classification) {
    const positions = result.positions[entry.driver] ?? []
    positions.forEach((position, i) => {
      rows.push({ driver: entry.driver, lap: i + 1, position, retired: entry.status === 'retired' && i + 1 > entry.laps })
    })
  }
  return rows
}

export function gapRows(result: RaceResult): GapRow[] {
  const rows: GapRow[] = []
  for (const driver of classifiedDrivers(result)) {
    const gaps = result.lap_detail[driver]?.gap_to_leader ?? []
    gaps.forEach((gap, i) => rows.push({ driver, lap: i + 1, gap }))
  }
  return rows
}

/** Where each retired car stopped: the chart's cross at his last lap completed. */
export function retirements(result: RaceResult): { driver: string; lap: number }[] {
  return result.classification.filter((c) => c.status === 'retired').map((c) => ({ driver: c.driver, lap: c.laps }))
}
