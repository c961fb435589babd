// Random events of one Monte Carlo race (Heilmeier et al. 2020): safety cars, each
// caused by one driver's accident; car failures, some followed by a VSC. Drawn before the race,
// as race progress, with the probabilities of pars_mcs.ini.
import type { FcyPhaseProgress, McsParams } from '../catalog/types.ts'
import type { RaceSetup } from '../race/setup.ts'
import { weightedIndex, type Rng } from '../random.ts'

export interface RandomEvents {
  phases: FcyPhaseProgress[]
  /** Retirement progress per setup driver, NaN for none. */
  retireProgress: Float64Array
}

/** Placement attempts per phase before it is dropped (a short race may have no room for three SCs). */
const MAX_ATTEMPTS = 1000

/** True when the phase comes closer to another than the minimum distance (one phase per lap at most). */
function tooClose(phases: readonly FcyPhaseProgress[], candidate: FcyPhaseProgress, minSc: number, minVsc: number): boolean {
  for (const p of phases) {
    const first = p.start <= candidate.start ? p : candidate
    const second = first === p ? candidate : p
    const gap = first.type === 'SC' ? minSc : minVsc
    if (second.start <= first.end + gap && first.start - gap <= second.end) return true
  }
  return false
}

const byStart = (a: FcyPhaseProgress, b: FcyPhaseProgress): number => a.start - b.start

/** SC start weights per lap: the first lap has its own probability, the rest is spread over the race's fifths. */
function scStartWeights(laps: number, probs: readonly number[]): number[] {
  const weights = new Array<number>(laps).fill(0)
  weights[0] = probs[0] ?? 0
  const parts = probs.length - 1
  for (let i = 1; i <= parts; i++) {
    const from = Math.max(Math.round(((i - 1) / parts) * laps), 1)
    const to = Math.round((i / parts) * laps)
    for (let lap = from; lap < to; lap++) weights[lap] = probs[i]! / (to - from)
  }
  return weights
}

/**
 * What every run of a race draws its events with: the weights (the same each run) and the
 * retirement array, reused from run to run by a Monte Carlo chunk.
 */
export interface EventTables {
  scStartWeights: number[]
  accidentWeights: number[]
  retireProgress: Float64Array
}

export function eventTables(s: RaceSetup, fcy: McsParams['fcy']): EventTables {
  const noise = s.noise
  if (noise === null) throw new Error('random events need the drivers\' Monte Carlo figures')
  return {
    scStartWeights: scStartWeights(s.laps, fcy.scStartProbs),
    accidentWeights: noise.map((x) => x.pAccident),
    retireProgress: new Float64Array(s.n),
  }
}

/**
 * The random SC / VSC phases and retirements of one race, drawn from `rng`. With `tables` (built
 * by eventTables for this setup and fcy) nothing is recomputed and the retirements are written
 * into its array, valid until the next draw.
 */
export function randomEvents(s: RaceSetup, fcy: McsParams['fcy'], rng: Rng, tables: EventTables = eventTables(s, fcy)): RandomEvents {
  const { laps, n } = s
  const { minDistScLaps, minDistVscLaps } = s.race.monteCarlo
  const noise = s.noise
  if (noise === null) throw new Error('random events need the drivers\' Monte Carlo figures')
  const phases: FcyPhaseProgress[] = []
  const retireProgress = tables.retireProgress.fill(NaN)

  const scCount = weightedIndex(rng, fcy.scCountProbs)
  if (scCount > 0) {
    const weights = tables.scStartWeights
    const scPhases: FcyPhaseProgress[] = []
    for (let attempt = 0; scPhases.length < scCount && attempt < MAX_ATTEMPTS * scCount; attempt++) {
      const start = weightedIndex(rng, weights) + rng.next()
      // An SC in the last lap would catch nobody before the flag.
      if (start > laps - 1) continue
      const duration = weightedIndex(rng, fcy.scDurationProbs) + 1
      // SC phases end at a line: the drawn durations are rounded down.
      const phase: FcyPhaseProgress = { start, end: Math.min(Math.floor(start + duration), laps), type: 'SC' }
      if (!tooClose(scPhases, phase, minDistScLaps, minDistVscLaps)) scPhases.push(phase)
    }
    const accidentWeights = tables.accidentWeights
    for (const phase of scPhases) {
      let d = weightedIndex(rng, accidentWeights)
      // One accident per driver: draw again while the chosen one has crashed already.
      for (let tries = 0; retireProgress[d] === retireProgress[d] && tries < MAX_ATTEMPTS; tries++) d = weightedIndex(rng, accidentWeights)
      if (retireProgress[d] !== retireProgress[d]) retireProgress[d] = phase.start
      phases.push(phase)
    }
  }

  // Failures and their VSCs are drawn together, so no failure triggers a VSC inside an SC.
  for (let d = 0; d < n; d++) {
    if (retireProgress[d] === retireProgress[d]) continue
    if (rng.next() >= noise[d]!.pFailure) continue
    let at = NaN
    if (rng.next() < fcy.vscAfterFailureProb) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const start = rng.next() * laps
        if (start >= laps - 0.5) continue
        const duration = weightedIndex(rng, fcy.vscDurationProbs) + 1 + rng.next()
        const phase: FcyPhaseProgress = { start, end: Math.min(start + duration, laps), type: 'VSC' }
        if (tooClose(phases, phase, minDistScLaps, minDistVscLaps)) continue
        phases.push(phase)
        at = start
        break
      }
    }
    retireProgress[d] = at === at ? at : rng.next() * laps
  }
  phases.sort(byStart)
  return { phases, retireProgress }
}
