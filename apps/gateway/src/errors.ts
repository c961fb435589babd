// gateway's coded errors.
import createError from '@fastify/error'

export const EmailTakenError = createError('EMAIL_TAKEN', 'An account with this email already exists', 409)
export const InvalidCredentialsError = createError('INVALID_CREDENTIALS', 'Email or password is wrong', 401)
export const UnknownUserError = createError('UNAUTHORIZED', 'The account of this token no longer exists', 401)
