// The one background job of a kind (a backfill run, a verify) this instance runs: forgotten when it
// settles, and stopped when the app closes, which waits for it to record how it ended.
import type { FastifyInstance } from 'fastify'

interface Job {
  done: Promise<unknown>
  stop(): void
}

export function backgroundSlot<J extends Job>(app: FastifyInstance, onFailure: (err: unknown, job: J) => void) {
  let active: J | undefined
  app.addHook('onClose', async () => {
    if (!active) return
    active.stop()
    await active.done.catch(() => {})
  })
  return {
    track(job: J): J {
      active = job
      job.done
        .catch((err: unknown) => onFailure(err, job))
        .finally(() => {
          if (active === job) active = undefined
        })
      return job
    },
    active: () => active,
  }
}
