// Yellows and retirements are recorded as race progress (laps of the leader). The lap loop needs
// race times, so a pre-simulation of the reference driver on a free track, slowed by the phases,
// converts them (as the reference simulator's pre-simulation does).
import type { DriverParams, FcyPhaseProgress, RaceParams, Stint } from '../catalog/types.ts'
import { fcyLapTime, pitStandstill, scLapTime } from '../model/lap-time.ts'
import type { FreeTrackLaps } from '../single-car.ts'
import { NO_PHASES, type TimedPhases, type TimedRetirements } from './workspace.ts'

export interface TimedEvents {
  phases: TimedPhases
  retirements: TimedRetirements
}

/** The least share of an SC lap between an SC's start and the leader reaching it (the reference's 0.33). */
const SC_MIN_DELAY_SHARE = 0.33

const isClose = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b))

/** Race time of the reference driver at the end of `lap` laps: his laps summed in order. */
function timeAtLap(driving: Float64Array, pit: Float64Array, lap: number): number {
  let sum = 0
  for (let i = 0; i < lap; i++) sum += driving[i]! + pit[i]!
  return sum
}

/**
 * Arrays timeEvents fills, kept from run to run by a Monte Carlo chunk so a run's events allocate
 * no typed arrays (a few per run otherwise, each costing more than the conversion itself).
 */
export interface TimingBuffers {
  driving: Float64Array
  pit: Float64Array
  adjustStart: Float64Array
  adjustEnd: Float64Array
  phases: TimedPhases
  at: Float64Array
}

/** Buffers for races of `laps` laps and `n` drivers, with room for `phases` phases (grown on demand). */
export function createTimingBuffers(laps: number, n: number, phases = 0): TimingBuffers {
  return {
    driving: new Float64Array(laps),
    pit: new Float64Array(laps),
    adjustStart: new Float64Array(phases),
    adjustEnd: new Float64Array(phases),
    phases: {
      count: 0,
      start: new Float64Array(phases),
      end: new Float64Array(phases),
      sc: new Uint8Array(phases),
      scDelay: new Float64Array(phases),
      scLaps: new Float64Array(phases),
    },
    at: new Float64Array(n),
  }
}

/**
 * Converts phases (sorted by start) and retirements (progress per setup driver, NaN for none).
 * Without phases the retirements stay in the progress domain: nothing needs them as times.
 * With `buffers` the result lives in them (valid until their next use); else in new arrays.
 */
export function timeEvents(
  race: RaceParams,
  refDriver: DriverParams,
  ref: FreeTrackLaps,
  refStints: readonly Stint[],
  phases: readonly FcyPhaseProgress[],
  retireProgress: Float64Array,
  buffers?: TimingBuffers,
): TimedEvents {
  if (phases.length === 0) return { phases: NO_PHASES, retirements: { domain: 'progress', at: retireProgress } }
  const { laps, track } = race
  const tLapFcy = fcyLapTime(track)
  const tLapSc = scLapTime(track)
  const count = phases.length
  let b = buffers ?? createTimingBuffers(laps, retireProgress.length, count)
  if (b.phases.start.length < count || b.driving.length !== laps || b.at.length !== retireProgress.length) {
    b = createTimingBuffers(laps, retireProgress.length, count)
    if (buffers !== undefined) Object.assign(buffers, b)
  }
  const { driving, pit, adjustStart, adjustEnd, at } = b
  driving.set(ref.driving)
  adjustStart.fill(0)
  adjustEnd.fill(0)
  pitLossesUnderYellow(race, refDriver, refStints, phases, pit, adjustStart, adjustEnd)

  const out = b.phases
  out.count = count
  for (let p = 0; p < count; p++) {
    const phase = phases[p]!
    const sc = phase.type === 'SC'
    const untilFlag = isClose(phase.end, laps)
    const firstLap = Math.floor(phase.start)
    const lastLap = Math.ceil(phase.end)
    out.sc[p] = sc ? 1 : 0
    out.start[p] = 0
    out.end[p] = 0
    out.scDelay[p] = 0
    out.scLaps[p] = 0
    for (let i = firstLap; i < lastLap && i < laps; i++) {
      let normal = 0
      let slowLap = sc ? tLapSc : tLapFcy
      if (i <= phase.start) {
        // The phase starts in this lap; an SC picks the field up only from the next lap on.
        const before = phase.start - i
        const after = i + 1 >= phase.end ? i + 1 - phase.end : 0
        normal = before + after
        slowLap = tLapFcy
        out.start[p] = timeAtLap(driving, pit, i) + before * driving[i]! + adjustStart[p]!
        if (i + 1 >= phase.end) out.end[p] = untilFlag ? Infinity : out.start[p]! + (1 - normal) * slowLap
      } else if (i + 1 >= phase.end) {
        // The phase ends in this lap; an SC comes in at the line.
        if (!sc) {
          normal = i + 1 - phase.end
          slowLap = tLapFcy
        }
        out.end[p] = untilFlag ? Infinity : timeAtLap(driving, pit, i) + (1 - normal) * slowLap + adjustEnd[p]!
      }
      const slowed = normal * driving[i]! + (1 - normal) * slowLap
      if (driving[i]! < slowed) driving[i] = slowed
    }
    if (sc) {
      out.scDelay[p] = timeAtLap(driving, pit, firstLap + 1) - out.start[p]!
      // The SC drives its first lap slowly so the field can catch it: it meets the leader no sooner
      // than a third of an SC lap after it came out, and its end and the next lap move with it.
      const shortBy = SC_MIN_DELAY_SHARE * tLapSc - out.scDelay[p]!
      if (shortBy > 0) {
        out.scDelay[p]! += shortBy
        out.end[p]! += shortBy
        if (firstLap + 1 < laps) driving[firstLap + 1]! += shortBy
      }
      out.scLaps[p] = untilFlag ? Infinity : lastLap - firstLap - 1
    }
  }

  for (let d = 0; d < retireProgress.length; d++) {
    const progress = retireProgress[d]!
    at[d] = NaN
    if (progress !== progress) continue
    const phase = phaseStartingAt(phases, progress)
    if (phase >= 0) {
      at[d] = out.start[phase]!
      continue
    }
    const lap = Math.floor(progress)
    const from = timeAtLap(driving, pit, Math.min(lap, laps))
    const to = lap < laps ? timeAtLap(driving, pit, lap + 1) : from
    at[d] = from + (progress - lap) * (to - from)
  }
  return { phases: out, retirements: { domain: 'time', at } }
}

/** The first phase starting at `progress` (an SC's accident), -1 if none. */
function phaseStartingAt(phases: readonly FcyPhaseProgress[], progress: number): number {
  for (let p = 0; p < phases.length; p++) if (isClose(phases[p]!.start, progress)) return p
  return -1
}

/**
 * Rebuilds the reference driver's pit losses with the lower figures where his stop falls in a phase,
 * and notes the pit losses already behind him when a phase starts or ends in his out-lap (the pit
 * lane is taken as ~6 % of a lap).
 */
function pitLossesUnderYellow(
  race: RaceParams,
  driver: DriverParams,
  stints: readonly Stint[],
  phases: readonly FcyPhaseProgress[],
  pit: Float64Array,
  adjustStart: Float64Array,
  adjustEnd: Float64Array,
): void {
  const t = race.track
  const team = race.teams[driver.team]!
  const entryShare = t.pitsAfterFinishLine ? 0.01 : 0.05
  const exitShare = t.pitsAfterFinishLine ? 0.05 : 0.01
  pit.fill(0)
  for (let k = 1; k < stints.length; k++) {
    const inlap = stints[k]!.startLap
    const stand = pitStandstill(t, team, stints[k]!.refuelKg)
    const inPhase = phaseCovering(phases, inlap - entryShare, inlap)
    let inLoss = t.pitInlap
    if (inPhase) inLoss = inPhase.type === 'SC' && inPhase.start < inlap - 1 ? t.pitInlapSc : t.pitInlapFcy
    if (!t.pitsAfterFinishLine) inLoss += stand
    pit[inlap - 1]! += inLoss

    let outLoss = 0
    if (inlap < race.laps) {
      const outPhase = phaseCovering(phases, inlap, inlap + exitShare)
      outLoss = t.pitOutlap
      if (outPhase) outLoss = outPhase.type === 'SC' && outPhase.start < inlap - 1 ? t.pitOutlapSc : t.pitOutlapFcy
      if (t.pitsAfterFinishLine) outLoss += stand
      pit[inlap]! += outLoss
    }
    for (let p = 0; p < phases.length; p++) {
      const ph = phases[p]!
      if (inlap + exitShare < ph.start && ph.start < inlap + 1) adjustStart[p]! += outLoss
      if (isClose(ph.end, inlap)) adjustEnd[p]! += inLoss
      else if (inlap + exitShare < ph.end && ph.end <= inlap + 1) adjustEnd[p]! += outLoss
    }
  }
}

/** The first phase started by `from` and still on at `to` (undefined if none). */
function phaseCovering(phases: readonly FcyPhaseProgress[], from: number, to: number): FcyPhaseProgress | undefined {
  for (const ph of phases) if (ph.start <= from && to <= ph.end) return ph
  return undefined
}
