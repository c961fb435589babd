// Verifies started over HTTP: each runs in the background of this process, holding the verify lock.
// Closing the app stops a verify after the pages in progress; it is then `interrupted` (a verify
// is not resumed: the next one starts over).
import fp from 'fastify-plugin'
import { startVerification, type VerificationHandle } from '../migration/verification.ts'
import { backgroundSlot } from './background.ts'
import type { RunsPluginOptions } from './runs.ts'

declare module 'fastify' {
  interface FastifyInstance {
    verifications: VerificationManager
  }
}

export interface VerificationManager {
  /** Starts a verify with the configured segment count unless `segments` says; throws while a backfill or a verify runs. */
  start(options: { segments: number | undefined }): Promise<VerificationHandle>
  /** The verify this instance is running, if any. */
  active(): VerificationHandle | undefined
}

/** The same wiring as the runs': the migration's dependencies and defaults. */
export type VerificationsPluginOptions = RunsPluginOptions

export default fp<VerificationsPluginOptions>(
  async (app, options) => {
    const log = app.log.child({ component: 'verify' })
    const slot = backgroundSlot<VerificationHandle>(app, (err, handle) =>
      log.error({ err, verification_id: handle.verificationId }, 'could not record the end of the verify'),
    )
    app.decorate('verifications', {
      async start({ segments }) {
        const handle = await startVerification(
          { ...options.deps, clients: app.dynamo, log },
          { segments: segments ?? options.defaults.segments, pageSize: options.defaults.pageSize },
        )
        return slot.track(handle)
      },
      active: slot.active,
    } satisfies VerificationManager)
  },
  { name: 'verifications', dependencies: ['dynamodb'], fastify: '5.x' },
)
