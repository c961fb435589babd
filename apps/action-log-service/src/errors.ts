// action-log-service's coded errors.
import createError from '@fastify/error'

export const InvalidCursorError = createError('INVALID_CURSOR', 'The cursor is not one this API returned', 400)
export const InvalidRangeError = createError('VALIDATION_FAILED', '`from` must not be after `to`', 400)
