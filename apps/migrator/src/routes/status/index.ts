// GET /status: the current and the last run, the lock, how many users were migrated lazily, and the last verify.
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import { StatusSchema } from '@f1/contracts/migrations'
import { runView, verificationView } from '../views.ts'

export default async function statusRoutes(app: ServiceApp) {
  app.get(
    '/status',
    {
      schema: {
        summary: 'Backfill runs (current and last), the lock, the lazy migration marker count, and the last verify',
        response: { 200: StatusSchema, 401: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async () => {
      const state = app.migrationState
      const [lock, runs, markers, verification] = await Promise.all([
        state.readLock(),
        state.latestRuns(5),
        state.userMarkerCount(),
        state.latestVerification(),
      ])
      const active = app.runs.active()
      const current = lock ? runs.find((run) => run.run_id === lock.run_id) : undefined
      const last = runs.find((run) => run.run_id !== current?.run_id)
      return {
        current_run: current ? runView(current, active, false) : null,
        last_run: last ? runView(last, active, false) : null,
        lock: lock ? { held: true, owner: lock.owner, lease_until: new Date(lock.lease_until).toISOString() } : { held: false },
        user_markers: markers,
        last_verification: verification ? verificationView(verification, app.verifications.active(), false) : null,
      }
    },
  )
}
