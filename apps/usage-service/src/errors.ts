// usage-service's coded errors.
import createError from '@fastify/error'

export const QuotaExceededError = createError('QUOTA_EXCEEDED', 'Daily limit of %s reached for %s', 429)
export const IdempotencyKeyReusedError = createError(
  'IDEMPOTENCY_KEY_REUSED',
  'This idempotency-key was used for a different request (%s)',
  409,
)
export const InvalidDayError = createError('VALIDATION_FAILED', 'date %s is not a calendar day', 400)
