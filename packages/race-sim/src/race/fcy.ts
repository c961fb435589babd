// Safety car (SC) and virtual safety car / full course yellow (VSC) within the lap loop.
// A phase is a race-time window; a driver meets it when his lap overlaps it, so lapped cars and
// leaders meet the same phase in different laps (Heilmeier et al. 2020).
import type { RaceSetup } from './setup.ts'
import type { TimedPhases, Workspace } from './workspace.ts'

/** Activates for driver d the next phase overlapping his current lap, skipping phases already over. */
export function activatePhase(s: RaceSetup, ph: TimedPhases, w: Workspace, d: number, lap: number): void {
  if (w.activePhase[d]! >= 0) return
  let next = w.nextPhase[d]!
  if (next >= ph.count) return
  const n = s.n
  const lapStart = w.raceTime[(lap - 1) * n + d]!
  const lapEnd = lapStart + w.lapTime[lap * n + d]!
  while (ph.end[next]! <= lapStart) {
    next++
    if (next >= ph.count) {
      w.nextPhase[d] = next
      return
    }
  }
  if (lapStart < ph.end[next]! && ph.start[next]! < lapEnd) {
    w.activePhase[d] = next
    next++
  }
  w.nextPhase[d] = next
}

/**
 * Share of driver d's current lap driven at racing speed under his active phase: before it starts
 * and, for a VSC, after it ends (an SC always stays out until the line).
 */
export function normalLapShare(s: RaceSetup, ph: TimedPhases, w: Workspace, d: number, lap: number): number {
  const p = w.activePhase[d]!
  if (p < 0) return 1
  const n = s.n
  const lapStart = w.raceTime[(lap - 1) * n + d]!
  const lapTime = w.lapTime[lap * n + d]!
  const start = ph.start[p]!
  let before = 0
  let remaining = ph.end[p]! - lapStart
  if (lapStart <= start && start < lapStart + lapTime) {
    before = (start - lapStart) / lapTime
    remaining = ph.end[p]! - start
  }
  let after = 0
  if (ph.sc[p] === 0) {
    const yellowShare = remaining / s.tLapFcy
    if (before + yellowShare < 1) after = 1 - before - yellowShare
  }
  const share = before + after
  return share < 0 ? 0 : share > 1 ? 1 : share
}

/** The phase that decides a pit loss: the active one, else the next to come (-1 if none). */
function relevantPhase(ph: TimedPhases, w: Workspace, d: number): number {
  const active = w.activePhase[d]!
  if (active >= 0) return active
  const next = w.nextPhase[d]!
  return next < ph.count ? next : -1
}

/**
 * Out-lap pit-lane loss: lower under a VSC covering the pit exit, and under an SC lower still once
 * the field has run up to it (the SC started before the in-lap), else as under a VSC.
 */
export function outlapDriveLoss(s: RaceSetup, ph: TimedPhases, w: Workspace, d: number, lap: number, lossSoFar: number): number {
  const t = s.race.track
  const p = relevantPhase(ph, w, d)
  if (p < 0) return t.pitOutlap
  const n = s.n
  const lapStart = w.raceTime[(lap - 1) * n + d]!
  const start = ph.start[p]!
  const end = ph.end[p]!
  if (ph.sc[p] === 0) return start <= lapStart && lapStart + lossSoFar + t.pitOutlapFcy < end ? t.pitOutlapFcy : t.pitOutlap
  if (start <= lapStart && lapStart < end) return start < w.raceTime[(lap - 2) * n + d]! ? t.pitOutlapSc : t.pitOutlapFcy
  return t.pitOutlap
}

/** In-lap pit-lane loss, by the same rules as the out-lap's at the pit entry. */
export function inlapDriveLoss(s: RaceSetup, ph: TimedPhases, w: Workspace, d: number, lap: number): number {
  const t = s.race.track
  const p = relevantPhase(ph, w, d)
  if (p < 0) return t.pitInlap
  const n = s.n
  const lapStart = w.raceTime[(lap - 1) * n + d]!
  const lapEnd = lapStart + w.lapTime[lap * n + d]!
  const start = ph.start[p]!
  const end = ph.end[p]!
  if (ph.sc[p] === 0) return start <= lapEnd && lapEnd + t.pitInlapFcy < end ? t.pitInlapFcy : t.pitInlap
  if (start <= lapEnd && lapStart < end) return start < lapStart ? t.pitInlapSc : t.pitInlapFcy
  return t.pitInlap
}

/**
 * Slows driver d's lap for his active phase: the yellow part at the FCY lap time, and behind an SC
 * no faster than his slot behind the safety car (ghost car + position x minimum SC gap).
 * Also forbids overtaking (always under an SC, under a VSC when half the lap or more is yellow).
 */
export function applyPhase(s: RaceSetup, ph: TimedPhases, w: Workspace, d: number, lap: number): void {
  const p = w.activePhase[d]!
  const n = s.n
  const cell = lap * n + d
  const share = normalLapShare(s, ph, w, d, lap)
  const slowed = share * w.lapTime[cell]! + (1 - share) * s.tLapFcy
  if (w.lapTime[cell]! < slowed) w.lapTime[cell] = slowed
  const sc = ph.sc[p] === 1
  if (share < 0.5 || sc) w.noOvertakeLap[d] = lap
  if (!sc) return

  if (w.ghostLaps[d]! < 0) {
    w.ghostTime[d] = ph.start[p]!
    w.ghostLaps[d] = 0
  } else {
    w.ghostTime[d]! += s.tLapSc
    w.ghostLaps[d]!++
    if (w.ghostLaps[d] === 1) w.ghostTime[d]! += ph.scDelay[p]!
  }
  const lapStart = w.raceTime[(lap - 1) * n + d]!
  const slot = w.ghostTime[d]! + w.pos[cell]! * s.race.rules.minGapSc
  if (lapStart + w.lapTime[cell]! < slot) w.lapTime[cell] = slot - lapStart
  if (s.useDrs) w.drsLap[d] = lap + 1 + s.drsScDelay
}

/**
 * After the lap's final times: records the leader's flag, ends phases that ended in this lap (or SCs
 * that ran their laps), and starts a phase the pit stop pushed into this lap, with its SC ghost.
 */
export function closeLapPhases(s: RaceSetup, ph: TimedPhases, w: Workspace, d: number, lap: number): void {
  const n = s.n
  const cell = lap * n + d
  let p = w.activePhase[d]!
  if (p >= 0) {
    if (w.pos[cell] === 1) w.flags[lap] = ph.sc[p] === 1 ? 2 : 1
    const lapEnd = w.raceTime[(lap - 1) * n + d]! + w.lapTime[cell]!
    if (ph.end[p]! <= lapEnd || (w.ghostLaps[d]! >= 0 && w.ghostLaps[d]! >= ph.scLaps[p]!)) {
      w.activePhase[d] = -1
      w.ghostLaps[d] = -1
    }
  }
  activatePhase(s, ph, w, d, lap)
  p = w.activePhase[d]!
  if (p >= 0 && ph.sc[p] === 1 && w.ghostLaps[d]! < 0) {
    w.ghostTime[d] = ph.start[p]!
    w.ghostLaps[d] = 0
    if (s.useDrs) w.drsLap[d] = lap + 1 + s.drsScDelay
  }
}
