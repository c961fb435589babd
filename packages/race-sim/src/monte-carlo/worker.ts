// Worker thread entry: simulates the chunks of Monte Carlo runs it is sent.
import { parentPort } from 'node:worker_threads'
import { RaceSimError } from '../errors.ts'
import { runChunk, type MonteCarloJob } from './monte-carlo.ts'

export interface ChunkRequest {
  id: number
  job: MonteCarloJob
  from: number
  to: number
}

export type ChunkReply =
  | { id: number; ok: true; outcome: ReturnType<typeof runChunk> }
  | { id: number; ok: false; error: { code?: string; message: string; details?: Record<string, unknown> } }

if (parentPort === null) throw new Error('worker.ts runs as a worker thread only')
const port = parentPort

port.on('message', (request: ChunkRequest) => {
  let reply: ChunkReply
  try {
    const outcome = runChunk(request.job, request.from, request.to)
    reply = { id: request.id, ok: true, outcome }
    port.postMessage(reply, [outcome.position.buffer, outcome.raceTime.buffer])
    return
  } catch (err) {
    reply = { id: request.id, ok: false, error: err instanceof RaceSimError ? err.toJSON() : { message: err instanceof Error ? err.message : String(err) } }
  }
  port.postMessage(reply)
})
