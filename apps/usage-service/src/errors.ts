// usage-service's coded errors.
import createError from '@fastify/error'
import { validationFailed } from '@f1/service-kit/errors'

export const QuotaExceededError = createError('QUOTA_EXCEEDED', 'Daily limit of %s reached for %s', 429)
export const InvalidDayError = validationFailed('date %s is not a calendar day')
export const DuplicateFeatureError = validationFailed('body.lines names a feature twice')
export const ChargeNotFoundError = createError('CHARGE_NOT_FOUND', 'No charge %s for this user', 404)
export const ChargeIdReusedError = createError('CHARGE_ID_REUSED', 'Charge %s was made for other features or amounts', 409)
export const ChargeRefundedError = createError('CHARGE_REFUNDED', 'Charge %s was refunded; its work must not be stored', 409)
export const ChargeExpiredError = createError('CHARGE_EXPIRED', 'Charge %s was held past its time and is being refunded', 409)
export const ChargeCommittedError = createError(
  'CHARGE_COMMITTED',
  'Charge %s is committed: its result is stored, so it is not refunded',
  409,
)
export const InvalidCommitError = createError('INVALID_COMMIT', 'Charge %s cannot be committed so: %s', 400)
export const CommitMismatchError = createError(
  'CHARGE_COMMIT_MISMATCH',
  'Charge %s was committed with other amounts; a commit is final',
  409,
)
