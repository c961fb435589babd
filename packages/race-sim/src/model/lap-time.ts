// The lap-time terms of Heilmeier et al. (ITSC 2018; Applied Sciences 2020) that do not
// depend on other cars. The single-car model and the race engine both add exactly these.
import type { TeamParams, TrackParams } from '../catalog/types.ts'

/** t_q + t_gap,racepace: the fastest possible race lap on this track. */
export function baseLapTime(track: TrackParams): number {
  return track.tQuali + track.tGapRacePace
}

/** Lap time under a virtual safety car / full course yellow (about +40 %). */
export function fcyLapTime(track: TrackParams): number {
  return baseLapTime(track) * track.fcyLapFactor
}

/** Lap time behind the safety car (about +60 %). */
export function scLapTime(track: TrackParams): number {
  return baseLapTime(track) * track.scLapFactor
}

/** Fuel mass x mass sensitivity, with the fuel on board at the start of the lap. */
export function fuelLoss(fuelKg: number, track: TrackParams): number {
  return fuelKg * track.massSensitivity
}

/** Lap 1 only: the standing start plus the distance to the line from the grid slot. */
export function startLoss(track: TrackParams, grid: number): number {
  return track.firstLapLoss + (grid - 1) * track.gridLossPerPosition
}

/**
 * Standing time of a stop: the track's minimal tyre change plus the team's extra, or the refuelling
 * time when that is longer (refuelling is banned 2014-2019, so the files carry none).
 */
export function pitStandstill(track: TrackParams, team: TeamParams, refuelKg: number): number {
  const tyreChange = track.pitTyreChangeMin + team.pitTyreChangeExtra
  const refuel = team.pitRefuelPerKg === null ? 0 : refuelKg * team.pitRefuelPerKg
  return refuel > tyreChange ? refuel : tyreChange
}

/**
 * Fuel burned in a green lap of the race: the file's consumption per lap, or with auto adjustment
 * on the mass left spread over the laps left when that is more (max(mass / laps left,
 * consumption)), as the reference's race does on every green lap, so a car that saved fuel under
 * a yellow burns the saving and a car whose file figure is a rounded-down one burns what it carries.
 * Under a yellow the lap burns yellowShare() of the consumption.
 */
export function fuelBurned(perLapKg: number, autoAdjust: boolean, fuelKg: number, lapsLeft: number): number {
  if (autoAdjust && lapsLeft > 0) {
    const even = fuelKg / lapsLeft
    return even > perLapKg ? even : perLapKg
  }
  return perLapKg
}

/** The part of a lap's consumption (or tyre wear) under a yellow: normal fraction + rest x multiplier. */
export function yellowShare(fracNormal: number, multiplier: number): number {
  return fracNormal + (1 - fracNormal) * multiplier
}
