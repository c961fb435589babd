// Rows of the optimizer's chart and table. The optimizer times strategies alone on a free track; when
// asked it also replays them in the full race (in_race) and a Monte Carlo study (in_monte_carlo),
// which the table joins on the strategy itself (the same stints), since neither repeats an index.
import type { OptimizeResult } from './result-kinds.ts'
import { strategyLabel } from './strategy-label.ts'

export interface PitLapRow {
  /** The one stop's in-lap */
  pitLap: number
  /** s, on a free track */
  raceTime: number
  /** "A3 → A6": the fastest pair of compounds for that in-lap */
  compounds: string
}

export interface StrategyTableRow {
  stops: number
  strategy: string
  /** s, on a free track */
  raceTime: number
  /** s behind the fastest of the table */
  gapToBest: number
  /** In the full race with the field, when the optimizer replayed it there. */
  racePosition: number | null
  raceRaceTime: number | null
  /** % of runs, points per run: in the Monte Carlo re-evaluation, when asked for. */
  win: number | null
  podium: number | null
  points: number | null
}

type Strategy = OptimizeResult['strategies'][number]['strategy']

/** Two strategies are the same when their stints are (refuel_kg aside: refuelling is banned, always 0). */
export function strategyKey(strategy: Strategy): string {
  return strategy.stints.map((s) => `${s.start_lap}:${s.compound}:${s.tire_age}`).join('|')
}

export function pitLapRows(result: OptimizeResult): PitLapRow[] {
  return result.pit_lap_curve
    .map((p) => ({ pitLap: p.pit_lap, raceTime: p.race_time, compounds: p.compounds.join(' → ') }))
    .sort((a, b) => a.pitLap - b.pitLap)
}

/** The curve's fastest in-lap (the first on a tie). */
export function bestPitLap(rows: readonly PitLapRow[]): PitLapRow | undefined {
  return rows.reduce<PitLapRow | undefined>((best, r) => (best === undefined || r.raceTime < best.raceTime ? r : best), undefined)
}

export function strategyTableRows(result: OptimizeResult): StrategyTableRow[] {
  const best = Math.min(...result.strategies.map((s) => s.race_time))
  const inRace = new Map(result.in_race.map((c) => [strategyKey(c.strategy), c]))
  const inStudy = new Map((result.in_monte_carlo?.candidates ?? []).map((c) => [strategyKey(c.strategy), c]))
  return [...result.strategies]
    .sort((a, b) => a.stops - b.stops)
    .map((s) => {
      const race = inRace.get(strategyKey(s.strategy))
      const study = inStudy.get(strategyKey(s.strategy))
      return {
        stops: s.stops,
        strategy: strategyLabel(s.strategy),
        raceTime: s.race_time,
        gapToBest: s.race_time - best,
        racePosition: race?.position ?? null,
        raceRaceTime: race?.race_time ?? null,
        win: study === undefined ? null : study.win * 100,
        podium: study === undefined ? null : study.podium * 100,
        points: study?.points ?? null,
      }
    })
}
