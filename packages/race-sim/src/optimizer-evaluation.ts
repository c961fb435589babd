// The optimizer's candidates (found on a free track) re-evaluated where strategies are decided: in
// the full race with the rest of the field (the recorded yellows, or the request's own) and in a
// Monte Carlo study that runs every candidate on the same random races (common random numbers), so
// their differences are their own and not the draws'.
import { MCS } from './catalog/mcs.ts'
import type { RaceParams, Stint } from './catalog/types.ts'
import type { MonteCarloResult, OptimizedStrategy } from './contract.ts'
import type { MonteCarloOptions } from './monte-carlo/monte-carlo.ts'
import { lapsDone } from './race/finish.ts'
import { runRecordedRace } from './race/prepare.ts'
import { roundMs } from './round.ts'
import { parseStrategy } from './strategy.ts'

/** A candidate's outcome in the full race: place, time and gap at the flag (null when he retired). */
export function inRace(race: RaceParams, driver: string, candidates: readonly OptimizedStrategy[]) {
  return candidates
    .map((c) => {
      const { prepared, workspace: w } = runRecordedRace(race, { driver, stints: stintsOf(c) })
      const s = prepared.setup
      const d = s.codes.indexOf(driver)
      const winner = w.order[0]!
      const retired = w.retireLap[d]! <= s.laps
      const time = w.raceTime[lapsDone(s, w, d) * s.n + d]!
      const winnerTime = w.raceTime[lapsDone(s, w, winner) * s.n + winner]!
      return {
        stops: c.stops,
        strategy: c.strategy,
        free_track_time: c.race_time,
        position: w.pos[s.laps * s.n + d]!,
        race_time: retired ? null : roundMs(time),
        gap_to_winner: retired ? null : roundMs(time - winnerTime),
      }
    })
    .sort((a, b) => a.position - b.position || (a.race_time ?? Infinity) - (b.race_time ?? Infinity))
}

/** The study that runs every candidate for `driver` on the same seeds (his file strategy is the study's own). */
export function candidateStudy(race: RaceParams, driver: string, candidates: readonly OptimizedStrategy[], runs: number, seed: number): MonteCarloOptions {
  return {
    runs,
    seed,
    variants: {
      driver,
      list: candidates.map((c, index) => ({ label: { kind: 'candidate', index }, race, override: { driver, stints: stintsOf(c) }, fcy: MCS.fcy })),
    },
  }
}

/** Each candidate's Monte Carlo outcome, best first (points, then win share, then median time). */
export function inMonteCarlo(study: MonteCarloResult, candidates: readonly OptimizedStrategy[]) {
  const outcomes = study.candidates ?? []
  return {
    runs: study.runs,
    seed: study.seed,
    candidates: candidates
      .map((c, i) => ({ stops: c.stops, strategy: c.strategy, free_track_time: c.race_time, ...outcomes[i]! }))
      .sort((a, b) => b.points - a.points || b.win - a.win || (a.race_time_p50 ?? Infinity) - (b.race_time_p50 ?? Infinity)),
  }
}

function stintsOf(c: OptimizedStrategy): Stint[] {
  return parseStrategy(c.strategy)
}
