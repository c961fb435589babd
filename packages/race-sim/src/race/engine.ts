// The race, lap by lap for every car (Heilmeier et al. 2018, 2020). The steps
// of a lap run in the reference simulator's order, since each sees the times the previous left:
// out-laps, lap times, yellows, car ageing, retirements, overtaking, in-laps, end-of-lap yellows.
import { fuelBurned, yellowShare } from '../model/lap-time.ts'
import { degradation } from '../model/tyres.ts'
import { fisk } from '../random.ts'
import { activatePhase, applyPhase, closeLapPhases, inlapDriveLoss, normalLapShare, outlapDriveLoss } from './fcy.ts'
import { finishRace } from './finish.ts'
import { handleOvertaking } from './overtaking.ts'
import type { RunNoise } from './noise.ts'
import { keepMinimumGaps, sortByTimes } from './positions.ts'
import type { RaceSetup } from './setup.ts'
import { reactToRace } from './strategy-engineer.ts'
import { FLAG_SC, FLAG_VSC, resetWorkspace, type TimedPhases, type TimedRetirements, type Workspace } from './workspace.ts'

/**
 * Simulates one race into `w`. With `rng` (a run's streams), lap times, start performance and pit
 * stop standing times are drawn (Monte Carlo); without, the race is deterministic.
 */
export function runRace(s: RaceSetup, phases: TimedPhases, retirements: TimedRetirements, w: Workspace, rng: RunNoise | null): void {
  resetWorkspace(s, w, retirements)
  for (let lap = 1; lap <= s.laps; lap++) simulateLap(s, phases, w, rng, lap)
  finishRace(s, w)
}

function simulateLap(s: RaceSetup, ph: TimedPhases, w: Workspace, rng: RunNoise | null, lap: number): void {
  const { n } = s
  const row = lap * n
  const prev = (lap - 1) * n
  const { retireLap, raceTime, lapTime: lapTimes } = w
  // The lap's positions start as the last lap's.
  w.pos.copyWithin(row, prev, row)

  pitOutlaps(s, ph, w, rng, lap)
  // Each car's own lap in one pass: its time alone, its yellow, its ageing. None of these reads a
  // figure another car's pass changes (DRS reads the gaps at the line and after the out-laps), and
  // each car draws from his own streams, so the pass gives what three passes over the field did.
  const phases = ph.count > 0
  let yellows = 0
  // Overtaking starts from each car's race time at the end of this lap, summed here (retirements sum them again if a car stops).
  const times = w.scratch
  for (let d = 0; d < n; d++) {
    if (lap >= retireLap[d]!) {
      times[d] = NaN
      continue
    }
    lapTime(s, w, rng, lap, d)
    if (phases && phaseOpen(ph, w, d) && yellow(s, ph, w, lap, d)) yellows++
    ageCar(s, ph, w, lap, d)
    times[d] = raceTime[prev + d]! + lapTimes[row + d]!
  }
  w.yellowCount = yellows
  retirements(s, w, lap)
  handleOvertaking(s, w, lap)
  if (s.engineer !== null) reactToRace(s, ph, w, lap)
  pitInlaps(s, ph, w, rng, lap)
  const { order, orderPrev } = w
  for (let d = 0; d < n; d++) {
    if (lap >= retireLap[d]!) continue
    if (phases && phaseOpen(ph, w, d)) closeLapPhases(s, ph, w, d, lap)
    raceTime[row + d] = raceTime[prev + d]! + lapTimes[row + d]!
  }
  for (let p = 0; p < n; p++) orderPrev[p] = order[p]!
}

/**
 * True while driver d is under a yellow or has one still to meet: once all of a race's yellows are
 * behind a car (most of his laps), the phase steps have nothing to do and are not called.
 */
function phaseOpen(ph: TimedPhases, w: Workspace, d: number): boolean {
  return w.activePhase[d]! >= 0 || w.nextPhase[d]! < ph.count
}

/** Driver d meets the yellow his lap overlaps (if any): slowed, no overtaking. True if he does. */
function yellow(s: RaceSetup, ph: TimedPhases, w: Workspace, lap: number, d: number): boolean {
  activatePhase(s, ph, w, d, lap)
  const p = w.activePhase[d]!
  if (p < 0) return false
  applyPhase(s, ph, w, d, lap)
  if (w.detail !== null) w.detail.flag[lap * s.n + d] = ph.sc[p] === 1 ? FLAG_SC : FLAG_VSC
  return true
}

/** Standing time of the stop that starts stint k: the team's figure, or a Fisk draw in Monte Carlo. */
function standstill(s: RaceSetup, w: Workspace, rng: RunNoise | null, d: number, k: number): number {
  let time = s.stintStandstill[k]!
  if (rng !== null) {
    let extra = Infinity
    while (extra > s.fiskCap[d]!) extra = fisk(rng.pit[d]!, s.fiskC[d]!, s.fiskLoc[d]!, s.fiskScale[d]!)
    time = s.race.track.pitTyreChangeMin + extra
    if (s.stintRefuelTime[k]! > time) time = s.stintRefuelTime[k]!
  }
  w.standstill[k] = time
  return time
}

/**
 * Cars that pitted at the end of the last lap get their new tyres and fuel, and lose the out-lap
 * pit-lane time (and the standing time when the pits are after the line). The field is re-ordered
 * by race time including these losses and held to the minimum gaps.
 */
function pitOutlaps(s: RaceSetup, ph: TimedPhases, w: Workspace, rng: RunNoise | null, lap: number): void {
  const { n } = s
  const row = lap * n
  const prev = (lap - 1) * n
  if (w.pitCount === 0) {
    // Most laps nobody pits: nothing to re-order, no losses for DRS to compare.
    if (w.pitOutLossSet) w.pitOutLoss.fill(0)
    w.pitOutLossSet = false
    return
  }
  for (let d = 0; d < n; d++) {
    w.pitOutLoss[d] = 0
    if (w.pitting[d] === 0) continue
    const k = ++w.stint[d]!
    w.tyreAge[d] = s.stintAge[k]!
    w.lapsOnSet[d] = 0
    w.fuel[d]! += s.stints[k]!.refuelKg
    let loss = 0
    if (s.race.track.pitsAfterFinishLine) loss += standstill(s, w, rng, d, k)
    loss += outlapDriveLoss(s, ph, w, d, lap, loss)
    w.pitOutLoss[d] = loss
    if (w.detail !== null) w.detail.pit[row + d]! += loss
  }
  const times = w.scratch
  for (let d = 0; d < n; d++) {
    w.lapTime[row + d]! += w.pitOutLoss[d]!
    times[d] = w.raceTime[prev + d]! + w.pitOutLoss[d]!
  }
  sortByTimes(s, w, lap, times)
  keepMinimumGaps(s, w, lap, times)
  // DRS's second half compares cars after these losses and holds.
  for (let d = 0; d < n; d++) w.pitOutLoss[d] = w.lapTime[row + d]!
  w.pitOutLossSet = true
}

/**
 * The lap time of driver d without other cars: base, tyres, car, fuel, driver, start, DRS. Summed in
 * a local in the model's order (the cell may already hold out-lap losses), then stored once.
 */
function lapTime(s: RaceSetup, w: Workspace, rng: RunNoise | null, lap: number, d: number): void {
  const t = s.race.track
  const cell = lap * s.n + d
  const k = w.stint[d]!
  const age = w.tyreAge[d]!
  const fuel = w.fuel[d]!
  let tyres = degradation(s.curveLog[k] === 1, s.k0[k]!, s.k1[k]!, s.k2[k]!, s.k3[k]!, age)
  if (w.lapsOnSet[d] === 0) tyres += s.coldLoss[d]!
  const fuelLoss = fuel * t.massSensitivity
  let basic = tyres + s.tCar[d]! + fuelLoss + s.tDriver[d]!
  const detail = w.detail
  if (detail !== null) {
    detail.tyres[cell] = tyres
    detail.fuelLoss[cell] = fuelLoss
    detail.fuelKg[cell] = fuel
    detail.tyreAge[cell] = age
    detail.stint[cell] = k
  }
  const draws = rng === null ? null : rng.lap[d]!
  if (draws !== null) basic += draws.gauss() * s.lapSigma[d]!
  let time = w.lapTime[cell]!
  time += s.base
  time += basic
  if (lap === 1) {
    time += t.firstLapLoss
    time += (s.grid[d]! - 1) * t.gridLossPerPosition
    if (draws !== null) time += s.startMean[d]! + draws.gauss() * s.startSigma[d]!
  }
  if (s.useDrs && lap >= w.drsLap[d]!) time = drs(s, w, lap, d, time)
  w.lapTime[cell] = time
}

/**
 * DRS gain in two halves, as the reference implementation splits it: the first on the main
 * straight, for a car within the DRS window of the car ahead at the line; the second elsewhere, by
 * the gaps after out-lap losses. No DRS behind a car that has just been in the pit lane. Returns
 * `time` (the lap so far) with the gains added.
 */
function drs(s: RaceSetup, w: Workspace, lap: number, d: number, time: number): number {
  const { n } = s
  const prev = (lap - 1) * n
  const cell = lap * n + d
  const { pos, raceTime, pitOutLoss } = w
  const atLine = pos[prev + d]!
  if (atLine > 1) {
    const front = w.orderPrev[atLine - 2]!
    if (w.pitting[front] === 1) return time
    if (raceTime[prev + d]! - raceTime[prev + front]! <= s.drsWindow) {
      time += s.drsHalf
      if (w.detail !== null) w.detail.drs[cell]! += s.drsHalf
    } else if (!w.pitOutLossSet) {
      return time
    }
  }
  // Without out-laps this lap (most laps) the order and the gaps are still the line's: the second
  // half is the first half's again (x + 0 is x), so only a car that gained the first half is looked at.
  const now = pos[cell]!
  if (now > 1) {
    const front = w.order[now - 2]!
    const gap = raceTime[prev + d]! + pitOutLoss[d]! - (raceTime[prev + front]! + pitOutLoss[front]!)
    if (gap <= s.drsWindow) {
      time += s.drsHalf
      if (w.detail !== null) w.detail.drs[cell]! += s.drsHalf
    }
  }
  return time
}

/** Burns the lap's fuel and wears the tyres, both reduced for the part of the lap under a yellow. */
function ageCar(s: RaceSetup, ph: TimedPhases, w: Workspace, lap: number, d: number): void {
  const p = w.activePhase[d]!
  if (p < 0) {
    w.fuel[d]! -= fuelBurned(s.fuelPerLap[d]!, s.autoFuel[d] === 1, w.fuel[d]!, s.laps - (lap - 1))
    w.tyreAge[d]! += 1
  } else {
    const share = normalLapShare(s, ph, w, d, lap)
    const sc = ph.sc[p] === 1
    w.fuel[d]! -= yellowShare(share, sc ? s.fuelMultSc[d]! : s.fuelMultFcy[d]!) * s.fuelPerLap[d]!
    w.tyreAge[d]! += yellowShare(share, sc ? s.degMultSc[d]! : s.degMultFcy[d]!)
  }
  if (w.fuel[d]! < 0) {
    w.fuel[d] = 0
    w.ranDry[d] = 1
  }
  w.lapsOnSet[d]!++
}

/**
 * Drivers whose retirement falls in this lap stop: classified behind every car still running (the
 * earliest retirement last), their times NaN from this lap on. Only the drivers with a retirement
 * to come are looked at; a retiring driver's progress is the laps he completed plus the share of
 * this one (the others' is set once the race is over, in finishRace).
 */
function retirements(s: RaceSetup, w: Workspace, lap: number): void {
  if (w.pendingCount === 0) return
  const { n, laps } = s
  const row = lap * n
  const prev = (lap - 1) * n
  const retiring = w.retiring
  let count = 0
  let kept = 0
  for (let i = 0; i < w.pendingCount; i++) {
    const d = w.pending[i]!
    const at = w.retireAt[d]!
    const lapStart = w.raceTime[prev + d]!
    const time = w.lapTime[row + d]!
    let share = NaN
    if (w.retireDomain === 'time') {
      if (lapStart + time > at) share = (at - lapStart) / time
    } else if (lap > at) {
      share = at - Math.floor(at)
    }
    if (share === share) {
      w.progress[d] = lap - 1 + (share > 0 ? share : 0)
      // In retirement order (stable insertion, as Array.sort's was): a few a race, and no array or comparison closure allocated per lap.
      let j = count++
      for (; j > 0 && retiresAfter(w, row, retiring[j - 1]!, d); j--) retiring[j] = retiring[j - 1]!
      retiring[j] = d
    } else {
      w.pending[kept++] = d
    }
  }
  w.pendingCount = kept
  if (count === 0) return

  for (let i = 0; i < count; i++) {
    const d = retiring[i]!
    let running = 0
    for (let x = 0; x < n; x++) if (w.lapTime[row + x] === w.lapTime[row + x]) running++
    w.pos[row + d] = running
    w.retireLap[d] = lap
    for (let l = lap; l <= laps; l++) {
      w.lapTime[l * n + d] = NaN
      w.raceTime[l * n + d] = NaN
    }
  }
  const times = w.scratch
  for (let d = 0; d < n; d++) times[d] = w.raceTime[prev + d]! + w.lapTime[row + d]!
  sortByTimes(s, w, lap, times)
}

/** Retirement order: less progress first (classified last), then the car behind at the lap's line. */
function retiresAfter(w: Workspace, row: number, a: number, b: number): boolean {
  return (w.progress[a]! - w.progress[b]! || w.pos[row + b]! - w.pos[row + a]!) > 0
}

/**
 * Cars whose stop is at the end of this lap lose the in-lap pit-lane time (and the standing time
 * with the pits before the line). Laps before the earliest next stop (most laps) skip the pass.
 */
function pitInlaps(s: RaceSetup, ph: TimedPhases, w: Workspace, rng: RunNoise | null, lap: number): void {
  if (lap < w.nextStopLap) {
    if (w.pitCount > 0) w.pitting.fill(0)
    w.pitCount = 0
    return
  }
  const { n } = s
  const row = lap * n
  let count = 0
  let nextStop = s.laps + 1
  for (let d = 0; d < n; d++) {
    w.pitting[d] = 0
    if (lap >= w.retireLap[d]!) continue
    let k = w.stint[d]! + 1
    const end = s.stintFrom[d + 1]!
    if (k >= end) continue
    if (w.stopLap[k] === lap) {
      w.pitting[d] = 1
      count++
      let loss = s.race.track.pitsAfterFinishLine ? 0 : standstill(s, w, rng, d, k)
      loss += inlapDriveLoss(s, ph, w, d, lap)
      w.lapTime[row + d]! += loss
      if (w.detail !== null) w.detail.pit[row + d]! += loss
      k++
    }
    if (k < end && w.stopLap[k]! < nextStop) nextStop = w.stopLap[k]!
  }
  w.pitCount = count
  w.nextStopLap = nextStop
  if (count === 0) return
  const times = w.scratch
  const prev = (lap - 1) * n
  for (let d = 0; d < n; d++) times[d] = w.raceTime[prev + d]! + w.lapTime[row + d]!
  sortByTimes(s, w, lap, times)
}
