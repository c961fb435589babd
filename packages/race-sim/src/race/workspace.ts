// The race state: lap x driver arrays (index lap * n + d, lap 0 = the grid) and per-driver state.
// Allocated once per setup and reset per run, so Monte Carlo runs allocate nothing.
import type { RaceSetup } from './setup.ts'

/** FCY phases in the time domain (race time of the leader's progress), sorted by start. */
export interface TimedPhases {
  count: number
  start: Float64Array
  /** Infinity when the phase lasts until the flag. */
  end: Float64Array
  sc: Uint8Array
  /** SC only: extra time the safety car needs in its first lap to pick up the field. */
  scDelay: Float64Array
  /** SC only: full laps behind the safety car (Infinity until the flag). */
  scLaps: Float64Array
}

/** Retirements of one run: a race time (after conversion) or a race progress, NaN for none. */
export interface TimedRetirements {
  domain: 'time' | 'progress'
  at: Float64Array
}

export const NO_PHASES: TimedPhases = {
  count: 0,
  start: new Float64Array(0),
  end: new Float64Array(0),
  sc: new Uint8Array(0),
  scDelay: new Float64Array(0),
  scLaps: new Float64Array(0),
}

export const STOP_PLANNED = 0
/** Brought forward to pit under a safety car or VSC. */
export const STOP_YELLOW = 1
/** Brought forward to answer the undercut of the car behind. */
export const STOP_COVER = 2

export const FLAG_GREEN = 0
export const FLAG_VSC = 1
export const FLAG_SC = 2

/**
 * What made each lap time (lap x driver cells, as lapTime), kept only when asked for (a single
 * race's chart data); Monte Carlo runs keep none, so its hot loop pays one null check.
 */
export interface LapDetail {
  /** Tyre degradation, cold tyres included. */
  tyres: Float64Array
  /** Fuel mass x mass sensitivity. */
  fuelLoss: Float64Array
  /** DRS gains (negative). */
  drs: Float64Array
  /** Pit-lane and standing time of in- and out-laps. */
  pit: Float64Array
  /** At the start of the lap. */
  fuelKg: Float64Array
  tyreAge: Float64Array
  /** Setup stint index driven. */
  stint: Int32Array
  /** The car's own flag: FLAG_GREEN, FLAG_VSC or FLAG_SC. */
  flag: Uint8Array
}

export interface Workspace {
  lapTime: Float64Array
  raceTime: Float64Array
  pos: Int32Array
  /** order[p] = driver in position p + 1 now; orderPrev: at the end of the previous lap. */
  order: Int32Array
  orderPrev: Int32Array
  /** First lap a driver does not drive (laps + 1 if never retired). */
  retireLap: Int32Array
  progress: Float64Array
  stint: Int32Array
  tyreAge: Float64Array
  lapsOnSet: Int32Array
  fuel: Float64Array
  /** 1 once the car's fuel went below zero (kept at zero): the race's data carries too little. */
  ranDry: Uint8Array
  drsLap: Int32Array
  activePhase: Int32Array
  nextPhase: Int32Array
  ghostTime: Float64Array
  /** Laps the SC ghost has led this driver; -1 without an SC. */
  ghostLaps: Int32Array
  /** The lap in which the car may not overtake or be overtaken (a yellow): a lap stamp, so no per-lap reset. */
  noOvertakeLap: Int32Array
  /** The lap in which the car last lost the duel time (once per lap): a lap stamp too. */
  duelLap: Int32Array
  pitting: Uint8Array
  /** Cars pitting at the end of the last lap (the 1s in `pitting`): most laps none, and the out-lap pass is skipped. */
  pitCount: number
  /**
   * No car's next stop comes before this lap (the in-lap pass skips the laps before it): the
   * earliest next stop seen by the last in-lap pass, lowered when the strategy engineer brings one forward.
   */
  nextStopLap: number
  /** Cars under a yellow (activePhase >= 0) after this lap's own-lap pass: without any, the engineer's yellow rule has nothing to do. */
  yellowCount: number
  pitOutLoss: Float64Array
  /** True while pitOutLoss holds a lap's figures (after a lap with out-laps); else all zero. */
  pitOutLossSet: boolean
  /** Race times of the moment for the re-orderings; from the own-lap pass to overtaking, each car's time at the end of this lap so far. */
  scratch: Float64Array
  /** Standing time of each stint's stop (setup stint index), NaN if the stop was not made. */
  standstill: Float64Array
  /** In-lap of each stint's stop (setup stint index): the plan's, unless the strategy engineer moved it. */
  stopLap: Int32Array
  /** Why each stint's stop was made when it was: STOP_PLANNED, STOP_YELLOW or STOP_COVER. */
  stopReason: Uint8Array
  /** Leader's flag per lap: FLAG_GREEN, FLAG_VSC or FLAG_SC. */
  flags: Uint8Array
  retireAt: Float64Array
  retireDomain: 'time' | 'progress'
  /** Drivers with a retirement still to come, first `pendingCount` entries in driver order: a few per run, so the lap checks them alone. */
  pending: Int32Array
  pendingCount: number
  /** The drivers retiring in this lap, in the order they are classified from the back. */
  retiring: Int32Array
  detail: LapDetail | null
}

/** Buffers for one race of this setup, reusable run after run. */
export function createWorkspace(s: RaceSetup, options: { detail?: boolean } = {}): Workspace {
  const cells = (s.laps + 1) * s.n
  const c = () => new Float64Array(cells)
  const f = () => new Float64Array(s.n)
  const i = () => new Int32Array(s.n)
  const u = () => new Uint8Array(s.n)
  return {
    lapTime: new Float64Array(cells),
    raceTime: new Float64Array(cells),
    pos: new Int32Array(cells),
    order: i(),
    orderPrev: i(),
    retireLap: i(),
    progress: f(),
    stint: i(),
    tyreAge: f(),
    lapsOnSet: i(),
    fuel: f(),
    ranDry: u(),
    drsLap: i(),
    activePhase: i(),
    nextPhase: i(),
    ghostTime: f(),
    ghostLaps: i(),
    noOvertakeLap: i(),
    duelLap: i(),
    pitting: u(),
    pitCount: 0,
    nextStopLap: 0,
    yellowCount: 0,
    pitOutLoss: f(),
    pitOutLossSet: false,
    scratch: f(),
    standstill: new Float64Array(s.stintLap.length),
    stopLap: new Int32Array(s.stintLap.length),
    stopReason: new Uint8Array(s.stintLap.length),
    flags: new Uint8Array(s.laps + 1),
    retireAt: f(),
    retireDomain: 'progress',
    pending: i(),
    pendingCount: 0,
    retiring: i(),
    detail: options.detail
      ? { tyres: c(), fuelLoss: c(), drs: c(), pit: c(), fuelKg: c(), tyreAge: c(), stint: new Int32Array(cells), flag: new Uint8Array(cells) }
      : null,
  }
}

/** Puts the cars on the grid: positions by grid slot, first stint's tyres, full tanks. */
export function resetWorkspace(s: RaceSetup, w: Workspace, retirements: TimedRetirements): void {
  w.lapTime.fill(0)
  w.raceTime.fill(0)
  w.pos.fill(0)
  w.standstill.fill(NaN)
  w.stopLap.set(s.stintLap)
  w.stopReason.fill(STOP_PLANNED)
  w.flags.fill(FLAG_GREEN)
  if (w.detail !== null) {
    w.detail.drs.fill(0)
    w.detail.pit.fill(0)
    w.detail.flag.fill(FLAG_GREEN)
  }
  for (let p = 0; p < s.n; p++) {
    const d = s.gridOrder[p]!
    w.order[p] = d
    w.orderPrev[p] = d
    w.pos[d] = p + 1
  }
  w.pendingCount = 0
  for (let d = 0; d < s.n; d++) {
    const first = s.stintFrom[d]!
    w.retireLap[d] = s.laps + 1
    w.progress[d] = 0
    w.stint[d] = first
    w.tyreAge[d] = s.stintAge[first]!
    w.lapsOnSet[d] = 0
    w.fuel[d] = s.fuelStart[d]!
    w.ranDry[d] = 0
    w.drsLap[d] = s.drsAllowLap
    w.activePhase[d] = -1
    w.nextPhase[d] = 0
    w.ghostTime[d] = 0
    w.ghostLaps[d] = -1
    w.pitting[d] = 0
    w.pitOutLoss[d] = 0
    w.noOvertakeLap[d] = 0
    w.duelLap[d] = 0
    const at = retirements.at[d]!
    w.retireAt[d] = at
    if (at === at) w.pending[w.pendingCount++] = d
  }
  w.pitCount = 0
  w.nextStopLap = 0
  w.yellowCount = 0
  w.pitOutLossSet = false
  w.retireDomain = retirements.domain
}
