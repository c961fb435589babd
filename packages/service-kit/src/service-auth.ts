// Service-to-service authentication: callers present the shared SERVICE_TOKEN in x-service-token.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { onRequestAsyncHookHandler } from 'fastify'
import { UnauthorizedError } from './errors.ts'

export const SERVICE_TOKEN_HEADER = 'x-service-token'

const digest = (value: string) => createHash('sha256').update(value).digest()

/** True when `candidate` equals `secret`, in time that does not depend on where they differ. */
export function constantTimeEquals(candidate: string, secret: string): boolean {
  // Hashing first gives equal lengths, so neither the content nor the length leaks.
  return timingSafeEqual(digest(candidate), digest(secret))
}

/** An onRequest hook answering 401 unless the request carries the service token. */
export function requireServiceToken(token: string): onRequestAsyncHookHandler {
  return async (request) => {
    const presented = request.headers[SERVICE_TOKEN_HEADER]
    if (typeof presented !== 'string' || presented.length === 0) {
      throw new UnauthorizedError(`Missing ${SERVICE_TOKEN_HEADER} header`)
    }
    if (!constantTimeEquals(presented, token)) throw new UnauthorizedError('Invalid service token')
  }
}
