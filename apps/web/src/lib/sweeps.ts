// The console's sensitivity sweeps: each figure changed by a fixed set of percentages (the engine
// takes up to nine per figure; four make a readable line). The safety-car chance exists only in
// Monte Carlo (a single race has its yellows fixed).
import type { SimulationRequest } from '../api/types.ts'

export const SWEEPS = [
  { key: 'pit_loss_pct', label: 'Pit-lane loss ±10 %, ±20 %', values: [-20, -10, 10, 20], monteCarloOnly: false },
  { key: 'tyre_degradation_pct', label: 'Tyre wear ±10 %, ±20 %', values: [-20, -10, 10, 20], monteCarloOnly: false },
  { key: 'sc_probability_pct', label: 'Safety-car chance ±25 %, ±50 %', values: [-50, -25, 25, 50], monteCarloOnly: true },
] as const
export type SweepKey = (typeof SWEEPS)[number]['key']

type Sensitivity = NonNullable<SimulationRequest['sensitivity']>

/** The request's `sensitivity` for the figures chosen that the mode can sweep; undefined when none. */
export function sensitivityFor(chosen: ReadonlySet<SweepKey>, mode: SimulationRequest['mode']): Sensitivity | undefined {
  const sweeps = SWEEPS.filter((s) => chosen.has(s.key) && (mode === 'monte_carlo' || !s.monteCarloOnly))
  if (mode === 'single' || sweeps.length === 0) return undefined
  return Object.fromEntries(sweeps.map((s) => [s.key, [...s.values]]))
}

/** How many points a sensitivity sweeps: a Monte Carlo study runs (and is charged) its runs once more for each. */
export function sweptValues(sensitivity: Sensitivity | undefined): number {
  return Object.values(sensitivity ?? {}).reduce((n, values) => n + (values?.length ?? 0), 0)
}
