// The work queue of the app (`app.workQueue`) and its shutdown: on close, waiting requests are
// refused at once and running ones get `graceMs` to finish before they are aborted (and refunded).
import fp from 'fastify-plugin'
import { ShuttingDownError } from '../errors.ts'
import { createWorkQueue, type WorkQueue, type WorkQueueOptions } from '../lib/work-queue.ts'

declare module 'fastify' {
  interface FastifyInstance {
    workQueue: WorkQueue
    /** Aborted when a shutdown's grace for running work is over. */
    shutdownSignal: AbortSignal
  }
}

export default fp<WorkQueueOptions & { graceMs: number }>(
  async (app, options) => {
    const queue = createWorkQueue(options)
    const shutdown = new AbortController()
    app.decorate('workQueue', queue)
    app.decorate('shutdownSignal', shutdown.signal)
    let timer: NodeJS.Timeout | undefined
    app.addHook('preClose', async () => {
      queue.close(new ShuttingDownError())
      timer = setTimeout(() => shutdown.abort(new ShuttingDownError()), options.graceMs)
      timer.unref()
    })
    app.addHook('onClose', async () => clearTimeout(timer))
  },
  { name: 'work-queue', fastify: '5.x' },
)
