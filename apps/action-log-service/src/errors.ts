// action-log-service's coded errors.
import createError from '@fastify/error'

export const InvalidCursorError = createError('INVALID_CURSOR', 'The cursor is not one this API returned', 400)
export const InvalidRangeError = createError('VALIDATION_FAILED', '`from` must not be after `to`', 400)
export const InvalidInstantError = createError('VALIDATION_FAILED', '%s is not an instant the log can store', 400)
export const UnstorableActionError = createError('VALIDATION_FAILED', 'The action cannot be stored: %s', 400)
