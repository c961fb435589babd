// The console's session: the same JWT as a bearer token, kept in an httpOnly cookie so that no
// script on the page (an injected one included) can read it. The cookie rides only on /api, same
// site only; a request it authenticates that changes something must also come from one of the
// console's origins, so another site (a sibling subdomain included) cannot ride on it.

export const SESSION_COOKIE = 'f1_session'

export interface SessionCookieOptions {
  ttlSeconds: number
  /** Secure flag: on everywhere but a plain-http laptop stack. */
  secure: boolean
}

export function sessionCookieAttributes(options: SessionCookieOptions) {
  return {
    path: '/api',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secure,
    maxAge: options.ttlSeconds,
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request authenticated by the cookie (not by an Authorization header) may go on: reads
 * always; anything else only with an Origin header naming one of the console's origins (browsers
 * send it on every cross-origin request and on same-origin non-GET ones).
 */
export function cookieRequestAllowed(method: string, origin: string | undefined, appOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(method)) return true
  return origin !== undefined && appOrigins.includes(origin)
}
