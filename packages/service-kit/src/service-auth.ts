// Service-to-service authentication: each caller presents its own token for this service in
// x-service-token (one token per caller and callee: SERVICE_CALLS in @f1/contracts/services).
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

/**
 * An onRequest hook answering 401 unless the request carries the token of one of the callers
 * (`tokens`: caller name -> the token it presents here). The request's log names the caller.
 */
export function requireServiceToken(tokens: Readonly<Record<string, string>>): onRequestAsyncHookHandler {
  const callers = Object.entries(tokens)
  if (callers.length === 0) throw new Error('requireServiceToken needs at least one caller token')
  return async (request) => {
    const presented = request.headers[SERVICE_TOKEN_HEADER]
    if (typeof presented !== 'string' || presented.length === 0) {
      throw new UnauthorizedError(`Missing ${SERVICE_TOKEN_HEADER} header`)
    }
    // Every token is compared, so the time taken does not tell which caller's came closest.
    let caller: string | undefined
    for (const [name, token] of callers) if (constantTimeEquals(presented, token) && caller === undefined) caller = name
    if (caller === undefined) throw new UnauthorizedError('Invalid service token')
    request.log = request.log.child({ caller })
  }
}
