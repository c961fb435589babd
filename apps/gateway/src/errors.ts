// gateway's coded errors.
import createError from '@fastify/error'
import { unauthorized, validationFailed } from '@f1/service-kit/errors'

export const EmailTakenError = createError('EMAIL_TAKEN', 'An account with this email already exists', 409)
export const InvalidCredentialsError = createError('INVALID_CREDENTIALS', 'Email or password is wrong', 401)
export const UnknownUserError = unauthorized('The account of this token no longer exists')
export const RateLimitedError = createError('RATE_LIMITED', 'Too many %s; retry in %d s', 429)
export const AuthBusyError = createError('AUTH_BUSY', 'Too many sign-ins are being checked right now; retry shortly', 503)
export const InvalidRedirectUrlError = createError('INVALID_REDIRECT_URL', '%s must be an http(s) URL on one of the app origins', 400)
export const InvalidIdempotencyKeyError = validationFailed(
  'headers.idempotency-key must be 1 to 255 printable ASCII characters without spaces',
)
export const IdempotencyKeyReusedError = createError(
  'IDEMPOTENCY_KEY_REUSED',
  'This Idempotency-Key was used with another request body; use a new key for a new request',
  422,
)
export const IdempotencyKeyInUseError = createError(
  'IDEMPOTENCY_KEY_IN_USE',
  'A request with this Idempotency-Key is still running; retry after it ends',
  409,
)
/** The work's outcome could not be learnt (a service down mid-request); a retry with the same key settles it. */
export const OutcomeUnknownError = createError(
  'OUTCOME_UNKNOWN',
  'The simulation service stopped answering mid-run; retry with the same Idempotency-Key to get the result or a clean failure',
  503,
)
