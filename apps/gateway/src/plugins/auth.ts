// User tokens: HS256 JWTs with issuer and audience checked; `app.authenticate` guards routes.
import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { onRequestAsyncHookHandler } from 'fastify'
import type { Role } from '@f1/contracts/common'
import { UnauthorizedError } from '@f1/service-kit/errors'

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
    /** onRequest hook: 401 unless a valid bearer token is present; sets request.user. */
    authenticate: onRequestAsyncHookHandler
    issueToken(claims: TokenClaims): Promise<string>
  }
}

// fast-jwt's messages name the failure precisely; clients only need to know it is not accepted.
const MESSAGES: Record<string, string> = {
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: 'Missing bearer token in the Authorization header',
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: 'The token has expired; log in again',
  FST_JWT_BAD_REQUEST: 'The Authorization header must be "Bearer <token>"',
}

export default fp<{ secret: string; ttlSeconds: number }>(
  async (app, options) => {
    await app.register(jwt, {
      secret: options.secret,
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
    })
  },
  { name: 'auth', fastify: '5.x' },
)
