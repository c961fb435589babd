// migrator's coded errors.
import createError from '@fastify/error'
import { notFound } from '@f1/service-kit/errors'

export const RunInProgressError = createError('RUN_IN_PROGRESS', 'A backfill is already running (run %s)', 409)
export const RunNotFoundError = notFound('No backfill run %s')
/** The lease of the backfill lock was taken over by another process: this run stops writing at once. */
export const LockLostError = createError('LOCK_LOST', 'The backfill lock of run %s was lost', 503)
export const VerifyInProgressError = createError('VERIFY_IN_PROGRESS', 'A verify is already running (%s)', 409)
export const VerificationNotFoundError = notFound('No verification %s')
