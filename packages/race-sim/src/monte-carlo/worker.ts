// The task a pool worker runs: one chunk of a study's runs. A bad strategy comes back as data, so
// the caller rebuilds its RaceSimError (a thrown error crosses threads without its code).
import { move, transferableSymbol, valueSymbol } from 'piscina'
import { RaceSimError } from '../errors.ts'
import { runChunk, type MonteCarloJob, type RunOutcomes } from './monte-carlo.ts'

export interface ChunkTask {
  job: MonteCarloJob
  from: number
  to: number
}

export type ChunkResult = { ok: true; outcome: RunOutcomes } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }

/** The pool's caller receives a ChunkResult: piscina unwraps what `move` wraps. */
export default function runChunkTask(task: ChunkTask): ChunkResult | ReturnType<typeof move> {
  try {
    const outcome = runChunk(task.job, task.from, task.to)
    const result: ChunkResult = { ok: true, outcome }
    // The outcome's arrays move to the caller instead of being copied.
    return move({ [transferableSymbol]: transferables(outcome), [valueSymbol]: result })
  } catch (err) {
    if (err instanceof RaceSimError) return { ok: false, error: err.toJSON() }
    throw err
  }
}

function transferables(outcome: RunOutcomes): ArrayBuffer[] {
  const { position, raceTime, lapPositions, reactiveStops, variants } = outcome
  const buffers = [position.buffer, raceTime.buffer, lapPositions.buffer, reactiveStops.buffer]
  if (variants !== null) for (const o of [variants.base, variants.variant]) buffers.push(o.position.buffer, o.raceTime.buffer, o.fastestLap.buffer)
  return buffers
}
