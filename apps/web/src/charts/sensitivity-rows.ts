// Rows of the sensitivity chart: the simulated driver's outcome with one figure of the race changed
// by each percentage. A Monte Carlo study's sweep says how his mean points move (the outcome a
// strategist plays for); a race's, how his race time moves (one race has no points spread).
import type { MonteCarloResult, RaceResult } from './result-kinds.ts'

export type StudySensitivity = NonNullable<MonteCarloResult['sensitivity']>
export type RaceSensitivity = NonNullable<RaceResult['sensitivity']>

/** The swept figures, in the order the request names them, as a strategist says them. */
export const SWEPT_FIGURES = {
  pit_loss: 'Pit-lane loss',
  tyre_degradation: 'Tyre wear',
  sc_probability: 'Safety-car chance',
} as const
export type SweptFigure = keyof typeof SWEPT_FIGURES

export interface SensitivityRow {
  figure: (typeof SWEPT_FIGURES)[SweptFigure]
  /** The change of the figure, % (0: the race as asked) */
  pct: number
  /** The change of the outcome against the race as asked: points per race (study) or seconds (race) */
  delta: number
  /** The outcome itself at this point, in words, for the tooltip */
  outcome: string
}

const signed = (n: number, digits: number) => `${n > 0 ? '+' : ''}${n.toFixed(digits)}`

/** Points per race against the study as asked, one line per swept figure, each through (0, 0). */
export function studySensitivityRows(sweep: StudySensitivity): SensitivityRow[] {
  const rows: SensitivityRow[] = []
  for (const key of Object.keys(SWEPT_FIGURES) as SweptFigure[]) {
    const points = sweep[key]
    if (points === undefined || points.length === 0) continue
    const figure = SWEPT_FIGURES[key]
    const base = {
      figure,
      pct: 0,
      delta: 0,
      outcome: `${sweep.base.points.toFixed(2)} points, ${(sweep.base.win * 100).toFixed(0)} % wins`,
    }
    const swept = points.map((p) => ({
      figure,
      pct: p.pct,
      delta: p.delta.points,
      outcome: `${p.outcome.points.toFixed(2)} points (${signed(p.delta.points, 2)}), ${(p.outcome.win * 100).toFixed(0)} % wins (${signed(p.delta.win * 100, 0)})`,
    }))
    rows.push(...[...swept, base].sort((a, b) => a.pct - b.pct))
  }
  return rows
}

/** Race time against the race as asked (retired: no point), one line per swept figure. */
export function raceSensitivityRows(sweep: RaceSensitivity): SensitivityRow[] {
  const rows: SensitivityRow[] = []
  for (const key of ['pit_loss', 'tyre_degradation'] as const) {
    const points = sweep[key]
    if (points === undefined || points.length === 0) continue
    const figure = SWEPT_FIGURES[key]
    const base = { figure, pct: 0, delta: 0, outcome: `P${sweep.base.position}` }
    const swept = points.flatMap((p) =>
      p.delta_time === null
        ? []
        : [
            {
              figure,
              pct: p.pct,
              delta: p.delta_time,
              outcome: `P${p.position} (${signed(-p.delta_position, 0)} places), ${signed(p.delta_time, 3)} s`,
            },
          ],
    )
    rows.push(...[...swept, base].sort((a, b) => a.pct - b.pct))
  }
  return rows
}
