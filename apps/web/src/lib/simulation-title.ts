// A simulation in one line: where, when, who and how ("Shanghai 2019 · HAM · race").
import type { Simulation } from '../api/types.ts'

const MODE_NAMES: Record<string, string> = { single: 'single car', race: 'race', monte_carlo: 'Monte Carlo', optimize: 'optimizer' }

export function simulationTitle(simulation: Pick<Simulation, 'track_id' | 'season' | 'driver' | 'mode'>): string {
  const place = simulation.track_id
    ? simulation.track_id.charAt(0).toUpperCase() + simulation.track_id.slice(1).replaceAll('_', ' ')
    : 'Imported simulation'
  return [
    [place, simulation.season].filter(Boolean).join(' '),
    simulation.driver,
    simulation.mode ? (MODE_NAMES[simulation.mode] ?? simulation.mode) : undefined,
  ]
    .filter(Boolean)
    .join(' · ')
}
