// Paces requests to DynamoDB: a cap on requests in flight, an optional cap on items per second
// (`--rate`), and a delay that grows on every throttling answer and shrinks again on success
// (so a throttled backfill slows down instead of failing).
import { setTimeout as sleep } from 'node:timers/promises'

export interface PacerOptions {
  /** Requests in flight at most. */
  concurrency: number
  /** Items per second at most (each request costs its item count); unset for no cap. */
  rate?: number | null | undefined
  /** Longest pause a throttling answer can grow the delay to. */
  maxDelayMs?: number
}

export interface PacerStats {
  /** Throttling answers received (each one was retried). */
  throttled: number
  /** Current delay before each request, ms. */
  delayMs: number
}

export class Pacer {
  readonly #concurrency: number
  readonly #rate: number | undefined
  readonly #maxDelayMs: number
  #inFlight = 0
  readonly #waiting: Array<() => void> = []
  #nextAt = 0
  #delayMs = 0
  #throttled = 0

  constructor(options: PacerOptions) {
    this.#concurrency = options.concurrency
    this.#rate = options.rate && options.rate > 0 ? options.rate : undefined
    this.#maxDelayMs = options.maxDelayMs ?? 10_000
  }

  /** Waits for a free slot, the rate cap and the throttling delay; pair with release(). */
  async acquire(cost: number): Promise<void> {
    if (this.#inFlight >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#inFlight += 1
    let wait = this.#delayMs
    if (this.#rate && cost > 0) {
      // Virtual scheduling: each request books cost/rate seconds; the rate holds on average, bursts never.
      const now = performance.now()
      const start = Math.max(now, this.#nextAt)
      this.#nextAt = start + (cost / this.#rate) * 1000
      wait = Math.max(wait, start - now)
    }
    if (wait > 0) await sleep(wait)
  }

  release(): void {
    this.#inFlight -= 1
    const next = this.#waiting.shift()
    if (next) next()
  }

  /** A throttling answer: double the delay (at least 50 ms, at most maxDelayMs). */
  onThrottle(): void {
    this.#throttled += 1
    this.#delayMs = Math.min(this.#maxDelayMs, Math.max(50, this.#delayMs * 2))
  }

  /** A success: the delay decays back to zero. */
  onSuccess(): void {
    if (this.#delayMs === 0) return
    this.#delayMs = this.#delayMs < 10 ? 0 : this.#delayMs * 0.8
  }

  stats(): PacerStats {
    return { throttled: this.#throttled, delayMs: Math.round(this.#delayMs) }
  }
}
