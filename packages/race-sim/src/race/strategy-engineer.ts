// A rule-based virtual strategy engineer: each driver it looks after may bring his next planned stop
// forward, decided at the end of every lap before the in-laps are taken:
// - under a safety car or VSC, when the stop is within the window and the cheaper stop pays (the
//   pit-lane time saved against the tyre time the earlier stop costs);
// - to cover an undercut: the car right behind (within the gap a lap earlier) has just pitted and
//   the stop is due within the cover window anyway.
// It only moves planned stops, never adds, drops or re-tyres one, so a strategy keeps the compounds
// it was validated with (the two-compound rule included), and every stint keeps at least one lap.
import { degradation } from '../model/tyres.ts'
import type { RaceSetup } from './setup.ts'
import { STOP_COVER, STOP_YELLOW, type TimedPhases, type Workspace } from './workspace.ts'

/** A study's strategy engineer as the request sets it (resolved: driver codes checked). */
export interface StrategyEngineer {
  /** Codes of the drivers it looks after; null for every driver. */
  drivers: string[] | null
  /** A stop is brought forward under a yellow by at most this many laps. */
  yellowWindowLaps: number
  /** The car behind counts as an undercut threat within this many seconds. */
  coverGapS: number
  /** A stop is brought forward to cover by at most this many laps. */
  coverWindowLaps: number
}

export const DEFAULT_STRATEGY_ENGINEER: StrategyEngineer = { drivers: null, yellowWindowLaps: 15, coverGapS: 2.5, coverWindowLaps: 5 }

/** The engineer as a result reports it (null when off). */
export function engineerJson(e: StrategyEngineer | null) {
  if (e === null) return null
  return { drivers: e.drivers, yellow_window_laps: e.yellowWindowLaps, cover_gap_s: e.coverGapS, cover_window_laps: e.coverWindowLaps }
}

/** The engineer compiled for the lap loop. */
export interface EngineerSetup {
  on: Uint8Array
  yellowWindow: number
  coverGap: number
  coverWindow: number
  /** Pit-lane time a stop saves under an SC and under a VSC (in- plus out-lap), s. */
  saveSc: number
  saveVsc: number
}

export function compileEngineer(s: Pick<RaceSetup, 'race' | 'codes'>, e: StrategyEngineer): EngineerSetup {
  const t = s.race.track
  const green = t.pitInlap + t.pitOutlap
  return {
    on: Uint8Array.from(s.codes, (code) => (e.drivers === null || e.drivers.includes(code) ? 1 : 0)),
    yellowWindow: e.yellowWindowLaps,
    coverGap: e.coverGapS,
    coverWindow: e.coverWindowLaps,
    saveSc: green - (t.pitInlapSc + t.pitOutlapSc),
    saveVsc: green - (t.pitInlapFcy + t.pitOutlapFcy),
  }
}

/** Brings stops forward to the end of this lap where a rule says so. */
export function reactToRace(s: RaceSetup, ph: TimedPhases, w: Workspace, lap: number): void {
  const e = s.engineer!
  const { n } = s
  const anyPitted = w.pitCount > 0
  // The yellow rule needs a car under a yellow, the cover rule a car that pitted: most laps neither.
  if (!anyPitted && w.yellowCount === 0) return
  for (let d = 0; d < n; d++) {
    if (e.on[d] === 0 || lap >= w.retireLap[d]!) continue
    const next = w.stint[d]! + 1
    if (next >= s.stintFrom[d + 1]!) continue
    const planned = w.stopLap[next]!
    if (planned <= lap) continue
    const p = w.activePhase[d]!
    if (p >= 0 && planned - lap <= e.yellowWindow) {
      const saving = ph.sc[p] === 1 ? e.saveSc : e.saveVsc
      if (saving > earlierStopCost(s, w, d, next, lap)) {
        bringForward(w, next, lap, STOP_YELLOW)
        continue
      }
    }
    if (anyPitted && lap >= 2 && planned - lap <= e.coverWindow && undercutBehind(s, w, d, lap, e.coverGap)) {
      bringForward(w, next, lap, STOP_COVER)
    }
  }
}

/** Moves the stop that starts stint `next` to the end of `lap`, and tells the in-lap pass it is due. */
function bringForward(w: Workspace, next: number, lap: number, reason: number): void {
  w.stopLap[next] = lap
  w.stopReason[next] = reason
  if (lap < w.nextStopLap) w.nextStopLap = lap
}

/**
 * Tyre time the stop starting stint `next` costs when made at the end of `lap` instead of as
 * planned: the new set runs those laps longer at its end, the worn set no longer runs them.
 * Negative when the worn set is already the slower one.
 */
function earlierStopCost(s: RaceSetup, w: Workspace, d: number, next: number, lap: number): number {
  const planned = w.stopLap[next]!
  const advance = planned - lap
  const nextEnd = next + 1 < s.stintFrom[d + 1]! ? w.stopLap[next + 1]! : s.laps
  const laterAge = s.stintAge[next]! + nextEnd - planned
  const cur = next - 1
  let cost = 0
  for (let j = 0; j < advance; j++) {
    cost += degradation(s.curveLog[next] === 1, s.k0[next]!, s.k1[next]!, s.k2[next]!, s.k3[next]!, laterAge + j)
    cost -= degradation(s.curveLog[cur] === 1, s.k0[cur]!, s.k1[cur]!, s.k2[cur]!, s.k3[cur]!, w.tyreAge[d]! + j)
  }
  return cost
}

/** True when the car right behind d two lines ago, within `gap` seconds, pitted at the end of the last lap. */
function undercutBehind(s: RaceSetup, w: Workspace, d: number, lap: number, gap: number): boolean {
  const { n } = s
  const row = (lap - 2) * n
  const behind = w.pos[row + d]! + 1
  for (let r = 0; r < n; r++) {
    if (w.pos[row + r] !== behind) continue
    return w.pitting[r] === 1 && w.raceTime[row + r]! - w.raceTime[row + d]! <= gap
  }
  return false
}
