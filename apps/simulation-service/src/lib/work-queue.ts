// The simulation work queue: a bounded number of requests admitted (running, waiting or being
// charged), a few of them running at once, and the free slots handed to users in turn, so one user's
// burst waits behind nobody else's single request. A full queue refuses at admission, before anything
// is charged.
import { SimulationBusyError } from '../errors.ts'

export interface WorkQueueOptions {
  /** Requests running at once. */
  concurrency: number
  /** Requests admitted at once (running, waiting or being charged); beyond it: 503 SIMULATION_BUSY. */
  capacity: number
  /** Requests one user may have admitted at once. */
  perUser: number
}

export interface Ticket {
  /** Resolves when this request may run; rejects with the signal's reason if it aborts while waiting. */
  start(signal: AbortSignal): Promise<void>
  /** Frees the slot (and the admission); safe to call more than once. */
  release(): void
}

interface Waiter {
  resolve: () => void
  reject: (err: Error) => void
}

/** Seconds a refused client should wait: the queue's expected drain time, within [1, 60]. */
function retryAfter(averageMs: number, admitted: number, concurrency: number): number {
  return Math.min(60, Math.max(1, Math.ceil((averageMs * admitted) / concurrency / 1000)))
}

export function createWorkQueue(options: WorkQueueOptions) {
  const perUser = new Map<string, number>()
  /** Waiting requests per user, users in the order they are served. */
  const waiting = new Map<string, Waiter[]>()
  let admitted = 0
  let running = 0
  let closedWith: Error | undefined
  // Moving average of how long a request holds a run slot; starts at a guess of a second.
  let averageMs = 1_000

  function grant(): void {
    while (running < options.concurrency && waiting.size > 0) {
      // The user first in line gets the slot and goes to the back of the line.
      const [userId, line] = waiting.entries().next().value as [string, Waiter[]]
      waiting.delete(userId)
      const waiter = line.shift()!
      if (line.length > 0) waiting.set(userId, line)
      running += 1
      waiter.resolve()
    }
  }

  return {
    /** Admits a request of `userId`, or throws SimulationBusyError (503 with Retry-After) when full. */
    admit(userId: string): Ticket {
      if (closedWith) throw closedWith
      const mine = perUser.get(userId) ?? 0
      if (admitted >= options.capacity || mine >= options.perUser) {
        const full = admitted >= options.capacity ? 'the simulation queue is full' : 'you have as many simulations queued as allowed'
        throw Object.assign(new SimulationBusyError(full), {
          headers: { 'retry-after': String(retryAfter(averageMs, admitted, options.concurrency)) },
        })
      }
      admitted += 1
      perUser.set(userId, mine + 1)
      let state: 'admitted' | 'waiting' | 'running' | 'released' = 'admitted'
      let waiter: Waiter | undefined
      let startedAt = 0
      return {
        start(signal) {
          if (state !== 'admitted') return Promise.reject(new Error(`ticket already ${state}`))
          if (signal.aborted) return Promise.reject(signal.reason as Error)
          if (closedWith) return Promise.reject(closedWith)
          state = 'waiting'
          return new Promise<void>((resolve, reject) => {
            const onAbort = () => {
              const line = waiting.get(userId)
              const at = line?.indexOf(waiter!) ?? -1
              if (at < 0) return
              line!.splice(at, 1)
              if (line!.length === 0) waiting.delete(userId)
              reject(signal.reason as Error)
            }
            waiter = {
              resolve: () => {
                signal.removeEventListener('abort', onAbort)
                state = 'running'
                startedAt = performance.now()
                resolve()
              },
              reject: (err) => {
                signal.removeEventListener('abort', onAbort)
                reject(err)
              },
            }
            signal.addEventListener('abort', onAbort, { once: true })
            const line = waiting.get(userId)
            if (line) line.push(waiter)
            else waiting.set(userId, [waiter])
            grant()
          })
        },
        release() {
          if (state === 'released') return
          if (state === 'running') {
            running -= 1
            averageMs = averageMs * 0.8 + (performance.now() - startedAt) * 0.2
          }
          state = 'released'
          admitted -= 1
          const left = (perUser.get(userId) ?? 1) - 1
          if (left > 0) perUser.set(userId, left)
          else perUser.delete(userId)
          grant()
        },
      }
    },

    /** Refuses new requests and rejects the waiting ones with `reason`; running ones go on. */
    close(reason: Error): void {
      closedWith = reason
      for (const line of waiting.values()) for (const waiter of line) waiter.reject(reason)
      waiting.clear()
    },

    stats(): { admitted: number; running: number; waiting: number } {
      let count = 0
      for (const line of waiting.values()) count += line.length
      return { admitted, running, waiting: count }
    },
  }
}

export type WorkQueue = ReturnType<typeof createWorkQueue>
