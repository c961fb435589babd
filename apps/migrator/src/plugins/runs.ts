// Backfill runs started over HTTP: each runs in the background of this process, holding the lock
// (so no other instance or CLI runs one meanwhile). Closing the app stops a run after the pages in
// progress; it is then `interrupted` and the next start resumes it.
import fp from 'fastify-plugin'
import { startBackfill, type BackfillDeps, type BackfillHandle, type BackfillOptions } from '../migration/backfill.ts'
import type { RunDefaults } from '../migration/setup.ts'
import { backgroundSlot } from './background.ts'

declare module 'fastify' {
  interface FastifyInstance {
    runs: RunManager
  }
}

export interface RunManager {
  /**
   * Starts (or resumes) a run in the background, with the configured segment count unless `segments`
   * says; throws RunInProgressError when one is running anywhere.
   */
  start(options: Pick<BackfillOptions, 'dryRun' | 'rate' | 'fresh'> & { segments: number | undefined }): Promise<BackfillHandle>
  /** The run this instance is running, if any. */
  active(): BackfillHandle | undefined
}

export interface RunsPluginOptions {
  deps: Omit<BackfillDeps, 'clients' | 'log'>
  defaults: RunDefaults
}

export default fp<RunsPluginOptions>(
  async (app, options) => {
    // A failed run is logged by the run and recorded on its run record.
    const slot = backgroundSlot<BackfillHandle>(app, () => {})
    const log = app.log.child({ component: 'backfill' })
    app.decorate('runs', {
      async start(run) {
        const handle = await startBackfill(
          { ...options.deps, clients: app.dynamo, log },
          { ...options.defaults, ...run, segments: run.segments ?? options.defaults.segments, source: 'service', recordDryRun: true },
        )
        return slot.track(handle)
      },
      active: slot.active,
    } satisfies RunManager)
  },
  { name: 'backfill-runs', dependencies: ['dynamodb'], fastify: '5.x' },
)
