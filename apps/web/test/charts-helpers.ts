// What the chart tests build on: a stored simulation around engine results, and the charts a
// rendering draws (by their data-chart names, in order).
import type { Simulation } from '../src/api/types.ts'

export const storedSimulation = (results: unknown, mode: Simulation['mode'] | undefined, driver: string) =>
  ({ simulation_id: 's1', user_id: 'u1', created_at: '2026-01-01T00:00:00.000Z', total_time: null, results, mode, driver }) as Simulation

export const chartsIn = (html: string) => [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])
