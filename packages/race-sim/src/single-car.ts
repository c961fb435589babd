// Single-car mode: one driver alone on a free track (no traffic, no yellows), lap by lap.
import type { DriverParams, RaceParams, Stint } from './catalog/types.ts'
import { baseLapTime, fuelLoss, pitStandstill, startLoss } from './model/lap-time.ts'
import { tyreCurve, tyreLoss } from './model/tyres.ts'

/** Lap times split into the driving part and the pit-lane part (the FCY pre-simulation needs them apart). */
export interface FreeTrackLaps {
  /** Lap i + 1 without pit losses. */
  driving: Float64Array
  /** Pit losses of lap i + 1: in-lap drive (and standstill with pits before the line), or standstill and out-lap drive. */
  pit: Float64Array
}

/**
 * Free-track lap times of a driver on a validated strategy: base + car + driver + tyre (with the
 * cold-tyre loss on a stint's first lap) + fuel + lap-1 start losses, and pit losses in- and out-lap.
 */
export function freeTrackLaps(race: RaceParams, driver: DriverParams, stints: readonly Stint[]): FreeTrackLaps {
  const { track, laps } = race
  const team = race.teams[driver.team]
  if (team === undefined) throw new Error(`no car parameters for team ${driver.team}`)
  const driving = new Float64Array(laps)
  const pit = new Float64Array(laps)
  const base = baseLapTime(track)
  const coldLoss = driver.tyres.coldTyreLoss

  let stintIdx = 0
  let stint = stints[0]!
  let curve = tyreCurve(driver.tyres.model, driver.tyres.compounds[stint.compound]!)
  let age = stint.tyreAge
  let lapsOnSet = 0
  let fuel = team.fuelStartKg

  for (let lap = 1; lap <= laps; lap++) {
    let pitLoss = 0
    const next = stints[stintIdx + 1]
    if (next !== undefined && next.startLap === lap - 1) {
      stintIdx++
      stint = next
      curve = tyreCurve(driver.tyres.model, driver.tyres.compounds[stint.compound]!)
      age = stint.tyreAge
      lapsOnSet = 0
      fuel += stint.refuelKg
      if (track.pitsAfterFinishLine) pitLoss += pitStandstill(track, team, stint.refuelKg)
      pitLoss += track.pitOutlap
    }

    let t = base
    t += tyreLoss(curve, age) + (lapsOnSet === 0 ? coldLoss : 0) + team.tCar + fuelLoss(fuel, track) + driver.tDriver
    if (lap === 1) t += startLoss(track, driver.grid)

    // The free-track simulation burns the file's figure evenly, as the reference's basic simulation
    // (its pre-simulation and single-car figures) does; only the full race adjusts it.
    fuel -= team.fuelPerLapKg
    if (fuel < 0) fuel = 0
    age += 1
    lapsOnSet++

    const inlap = stints[stintIdx + 1]
    if (inlap !== undefined && inlap.startLap === lap) {
      pitLoss += track.pitInlap
      if (!track.pitsAfterFinishLine) pitLoss += pitStandstill(track, team, inlap.refuelKg)
    }
    driving[lap - 1] = t
    pit[lap - 1] = pitLoss
  }
  return { driving, pit }
}

/** Lap times (driving + pit) of a driver alone on a free track. */
export function singleCarLapTimes(race: RaceParams, driver: DriverParams, stints: readonly Stint[]): Float64Array {
  const { driving, pit } = freeTrackLaps(race, driver, stints)
  for (let i = 0; i < driving.length; i++) driving[i]! += pit[i]!
  return driving
}
