// migrator's coded errors.
import createError from '@fastify/error'
import { notFound, withExtras } from '@f1/service-kit/errors'

export const RunInProgressError = createError('RUN_IN_PROGRESS', 'A backfill is already running (run %s)', 409)
export const RunNotFoundError = notFound('No backfill run %s')
/** The lease of the backfill lock was taken over by another process: this run stops writing at once. */
export const LockLostError = createError('LOCK_LOST', 'The backfill lock of run %s was lost', 503)
export const VerifyInProgressError = createError('VERIFY_IN_PROGRESS', 'A verify is already running (%s)', 409)
export const VerificationNotFoundError = notFound('No verification %s')

const StagePreconditionFailed = createError('STAGE_PRECONDITION_FAILED', 'Cannot move %s to %s: %s', 409)
/** A forward move whose guard rail does not hold; `details.condition` says which and what to do. */
export const stagePreconditionFailed = (kind: string, stage: string, condition: string) =>
  withExtras(new StagePreconditionFailed(kind, stage, condition), { details: { kind, stage, condition } })
/** Another change of the kind's stage landed between this one's read and its write. */
export const StageChangedMeanwhileError = createError('STAGE_CHANGED_MEANWHILE', 'The stage of %s changed meanwhile: read it again', 409)
