// Waiting that stops early: on the relay's stop, or when someone (drained(), a finished shard) wants a look now.

/** Waits `ms`, or less when any of the signals fires; never rejects. */
export function pause(ms: number, ...signals: AbortSignal[]): Promise<void> {
  if (signals.some((s) => s.aborted)) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      for (const s of signals) s.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    for (const s of signals) s.addEventListener('abort', done, { once: true })
  })
}

/** A signal that fires on `wake()` and is then replaced by a fresh one. */
export class Wakeup {
  #controller = new AbortController()
  get signal(): AbortSignal {
    return this.#controller.signal
  }
  wake(): void {
    const previous = this.#controller
    this.#controller = new AbortController()
    previous.abort()
  }
}
