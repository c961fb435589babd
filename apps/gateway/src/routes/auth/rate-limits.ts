// Attempt limits of /api/auth: @fastify/rate-limit with fixed windows counted in this process's
// memory, so N instances behind a load balancer allow up to N times the configured numbers.
import type { FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import type { ServiceApp } from '@f1/service-kit'
import { withExtras } from '@f1/service-kit/errors'
import type { GatewayConfig } from '../../config.ts'
import { RateLimitedError } from '../../errors.ts'

export interface Limit {
  max: number
  windowS: number
}

export interface AuthRateLimits {
  registerPerAddress: Limit
  loginPerAddress: Limit
  loginPerEmail: Limit
}

export function authRateLimits(config: GatewayConfig): AuthRateLimits {
  return {
    registerPerAddress: { max: config.RATE_LIMIT_REGISTER_PER_ADDRESS, windowS: config.RATE_LIMIT_REGISTER_WINDOW_S },
    loginPerAddress: { max: config.RATE_LIMIT_LOGIN_PER_ADDRESS, windowS: config.RATE_LIMIT_LOGIN_WINDOW_S },
    loginPerEmail: { max: config.RATE_LIMIT_LOGIN_PER_EMAIL, windowS: config.RATE_LIMIT_LOGIN_EMAIL_WINDOW_S },
  }
}

export type AttemptCheck = (request: FastifyRequest) => Promise<void>

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void

// The plugin's own LocalStore hands out its live counter object, and the plugin reads it after an
// await: attempts checked in the same tick all see the last count, so a burst of 12 at a limit of 5
// got 12 refusals instead of 7. This store answers each attempt with its own count.
const MAX_KEYS = 10_000

/** Fixed windows per key, in memory, the least recently used key forgotten past MAX_KEYS (@fastify/rate-limit's store interface). */
class FixedWindowStore {
  readonly #windows = new Map<string, { count: number; startedAt: number }>()

  incr(key: string, callback: IncrCallback, timeWindow: number): void {
    const now = Date.now()
    let window = this.#windows.get(key)
    if (!window || window.startedAt + timeWindow <= now) window = { count: 0, startedAt: now }
    window.count += 1
    // Re-inserted so that the Map's order is least recently used first.
    this.#windows.delete(key)
    this.#windows.set(key, window)
    if (this.#windows.size > MAX_KEYS) this.#windows.delete(this.#windows.keys().next().value as string)
    callback(null, { current: window.count, ttl: window.startedAt + timeWindow - now })
  }

  child(): FixedWindowStore {
    return new FixedWindowStore()
  }
}

/**
 * Registers the rate-limit store on this scope and returns `limiter`: a check that counts one
 * attempt under the request's key (its client address unless `keyOf` says otherwise) and throws
 * 429 RATE_LIMITED with Retry-After past the limit. The address is request.ip, so TRUST_PROXY decides it.
 */
export async function useAttemptLimits(app: ServiceApp) {
  // Not global: only the checks made here count, each with its own store.
  await app.register(rateLimit, { global: false, store: FixedWindowStore })
  return function limiter(what: string, limit: Limit, keyOf?: (request: FastifyRequest) => string): AttemptCheck {
    const count = app.createRateLimit({ max: limit.max, timeWindow: limit.windowS * 1000, ...(keyOf ? { keyGenerator: keyOf } : {}) })
    return async (request) => {
      const result = await count(request)
      if (result.isAllowed || !result.isExceeded) return
      const retryAfterS = Math.max(1, result.ttlInSeconds)
      throw withExtras(new RateLimitedError(what, retryAfterS), {
        headers: { 'retry-after': String(retryAfterS) },
        details: { limit: limit.max, window_s: limit.windowS, retry_after_s: retryAfterS },
      })
    }
  }
}
