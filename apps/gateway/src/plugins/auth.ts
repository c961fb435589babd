// User tokens: HS256 JWTs with issuer and audience checked, from the Authorization header or, for
// the web console, the session cookie (lib/session-cookie.ts); `app.authenticate` guards routes.
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import jwt from '@fastify/jwt'
import type { onRequestAsyncHookHandler } from 'fastify'
import type { Role } from '@f1/contracts/common'
import { ForbiddenError, UnauthorizedError } from '@f1/service-kit/errors'
import { SESSION_COOKIE, cookieRequestAllowed } from '../lib/session-cookie.ts'

export const TOKEN_ISSUER = 'f1-race-sim'
export const TOKEN_AUDIENCE = 'f1-race-sim-api'

export interface TokenClaims {
  sub: string
  email: string
  role: Role
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims
    user: TokenClaims & { iat: number; exp: number }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid token (bearer or session cookie) is present; sets request.user. */
    authenticate: onRequestAsyncHookHandler
    issueToken(claims: TokenClaims): Promise<string>
  }
}

// fast-jwt's messages name the failure precisely; clients only need to know it is not accepted.
const MESSAGES: Record<string, string> = {
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: 'Missing bearer token in the Authorization header',
  FST_JWT_NO_AUTHORIZATION_IN_COOKIE: 'Missing bearer token in the Authorization header (or a session: sign in)',
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: 'The token has expired; log in again',
  FST_JWT_BAD_REQUEST: 'The Authorization header must be "Bearer <token>"',
}

export default fp<{ secret: string; ttlSeconds: number; appOrigins: readonly string[] }>(
  async (app, options) => {
    await app.register(cookie)
    await app.register(jwt, {
      secret: options.secret,
      // Read only when there is no Authorization header.
      cookie: { cookieName: SESSION_COOKIE, signed: false },
      sign: { algorithm: 'HS256', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, expiresIn: options.ttlSeconds },
      verify: { algorithms: ['HS256'], allowedIss: TOKEN_ISSUER, allowedAud: TOKEN_AUDIENCE, requiredClaims: ['sub', 'exp', 'iss', 'aud'] },
    })
    app.decorate('issueToken', async (claims: TokenClaims) => app.jwt.sign(claims))
    app.decorate('authenticate', async (request) => {
      try {
        await request.jwtVerify()
      } catch (err) {
        const code = (err as { code?: string }).code ?? ''
        throw new UnauthorizedError(MESSAGES[code] ?? 'The token is not valid', { cause: err })
      }
      if (
        // @fastify/jwt reads the cookie whenever the header is not a bearer token (absent, or Basic ...).
        !/^Bearer\s/i.test(request.headers.authorization ?? '') &&
        !cookieRequestAllowed(request.method, request.headers.origin, options.appOrigins)
      ) {
        throw new ForbiddenError('A request signed in by the session cookie must come from the web console (its Origin header)')
      }
    })
  },
  { name: 'auth', fastify: '5.x' },
)
