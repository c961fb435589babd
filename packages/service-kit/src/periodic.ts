// Background chores of an app (sweepers): run every few seconds, never two at once, runnable on
// demand (tests), stopped and awaited when the app closes.
import type { FastifyInstance } from 'fastify'

/**
 * Schedules `task` every `intervalMs` (0: only on demand) and returns the on-demand trigger,
 * which joins a run already in progress instead of starting a second one.
 */
export function periodicTask<T>(app: FastifyInstance, name: string, intervalMs: number, task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined
  const once = () => (running ??= task().finally(() => (running = undefined)))
  if (intervalMs > 0) {
    const timer = setInterval(() => {
      once().catch((err: unknown) => app.log.warn({ err, task: name }, 'background task failed; it runs again'))
    }, intervalMs)
    timer.unref()
    app.addHook('onClose', async () => {
      clearInterval(timer)
      await running?.catch(() => undefined)
    })
  }
  return once
}

/** What a sweeper of things left past their time needs: how often, how long past it to wait, and the clock. */
export interface SweeperOptions {
  intervalMs: number
  /** How long past its time a thing is left alone (clock skew between instances, another sweeper first). */
  graceMs: number
  now: () => Date
}
