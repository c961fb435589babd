// The thread management the Monte Carlo pool had before piscina, kept only as the baseline of
// worker-pool.ts (so the choice can be measured again, e.g. on a new Node or piscina): plain
// Worker threads started on first use, one chunk each at a time, idle ones unref'd, a crashed one
// failing its chunk and replaced on the next. The studies' turns are the same scheduler's.
import { Worker } from 'node:worker_threads'
import { scheduleStudies, type ChunkRunner, type MonteCarloPool } from '../src/monte-carlo/scheduler.ts'
import type { ChunkResult } from '../src/monte-carlo/worker.ts'

export interface HandWrittenReply {
  id: number
  result?: ChunkResult
  error?: string
}

interface Pending {
  id: number
  resolve: (result: ChunkResult) => void
  reject: (err: Error) => void
}

export function createHandWrittenPool(size: number): MonteCarloPool {
  const all: Worker[] = []
  const idle: Worker[] = []
  const pending = new Map<Worker, Pending>()
  let nextId = 0

  const spawn = (): Worker => {
    const worker = new Worker(new URL('./hand-written-worker.mjs', import.meta.url))
    all.push(worker)
    worker.on('message', (reply: HandWrittenReply) => {
      const current = pending.get(worker)
      pending.delete(worker)
      worker.unref()
      idle.push(worker)
      if (current === undefined || current.id !== reply.id) return
      if (reply.result === undefined) current.reject(new Error(reply.error))
      else current.resolve(reply.result)
    })
    worker.on('error', (err) => {
      const current = pending.get(worker)
      pending.delete(worker)
      all.splice(all.indexOf(worker), 1)
      const at = idle.indexOf(worker)
      if (at >= 0) idle.splice(at, 1)
      current?.reject(err)
    })
    return worker
  }

  const runner: ChunkRunner = {
    size,
    run(task) {
      // The scheduler never hands out more than `size` chunks, so a worker is idle or may be started.
      const worker = idle.pop() ?? spawn()
      const id = nextId++
      worker.ref()
      return new Promise<ChunkResult>((resolve, reject) => {
        pending.set(worker, { id, resolve, reject })
        worker.postMessage({ id, task })
      })
    },
    async close() {
      for (const current of pending.values()) current.reject(new Error('the Monte Carlo pool was closed'))
      pending.clear()
      await Promise.all(all.splice(0).map((worker) => worker.terminate()))
    },
  }
  return scheduleStudies(runner)
}
