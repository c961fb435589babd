// /api/auth: registration and login (public; they do not consume api_request). Attempts are limited
// per client address (and logins also per email), and password hashing is bounded (lib/passwords.ts).
import { randomUUID } from 'node:crypto'
import {
  LoginBodySchema,
  RegisterBodySchema,
  RegisterResponseSchema,
  SessionSchema,
  TokenResponseSchema,
  type LoginBody,
  type Session,
} from '@f1/contracts/auth'
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { InvalidCredentialsError } from '../../errors.ts'
import { DUMMY_HASH, type PasswordHasher } from '../../lib/passwords.ts'
import { SESSION_COOKIE, sessionCookieAttributes } from '../../lib/session-cookie.ts'
import type { TokenClaims } from '../../plugins/auth.ts'
import { useAttemptLimits, type AuthRateLimits } from './rate-limits.ts'
import { SIGNED_IN } from '../../lib/security.ts'

export interface AuthRoutesOptions {
  tokenTtlSeconds: number
  sessionCookieSecure: boolean
  passwords: PasswordHasher
  limits: AuthRateLimits
}

export default async function authRoutes(app: ServiceApp, options: AuthRoutesOptions) {
  const limiter = await useAttemptLimits(app)
  const registrationsPerAddress = limiter('registrations from this address', options.limits.registerPerAddress)
  const loginsPerAddress = limiter('login attempts from this address', options.limits.loginPerAddress)
  // Guessing one account's password from many addresses still meets this one.
  const loginsPerEmail = limiter('login attempts for this email', options.limits.loginPerEmail, (request) =>
    (request.body as LoginBody).email.toLowerCase(),
  )

  /** Checks the password of the body's email and answers a token carrying the profile's role. */
  async function signIn(request: FastifyRequest<{ Body: LoginBody }>): Promise<string> {
    const profile = await options.passwords.admit(async () => {
      const found = await app.profiles.findProfileByEmail(request.body.email)
      // Unknown email and wrong password cost the same time and get the same answer.
      const valid = await options.passwords.verify(request.body.password, found?.password_hash ?? DUMMY_HASH)
      return found?.password_hash && valid ? found : undefined
    })
    if (!profile) throw new InvalidCredentialsError()
    request.log.info({ user_id: profile.user_id }, 'user signed in')
    // A sign-in changes no state of ours, but the event is stored before the token goes out.
    await app.outbox.write('UserSignedIn', request, profile.user_id, {})
    return app.issueToken({
      sub: profile.user_id,
      email: profile.email.toLowerCase(),
      // Granted and revoked only by the operator command (bin/admin.ts); anything else is a user.
      role: profile.role === 'admin' ? 'admin' : 'user',
    })
  }

  const session = (claims: TokenClaims & { exp: number }): Session => ({
    user_id: claims.sub,
    email: claims.email,
    role: claims.role,
    expires_at: new Date(claims.exp * 1000).toISOString(),
  })
  const cookieAttributes = sessionCookieAttributes({ ttlSeconds: options.tokenTtlSeconds, secure: options.sessionCookieSecure })

  app.post(
    '/api/auth/register',
    {
      onRequest: registrationsPerAddress,
      schema: {
        summary: 'Create an account (role user)',
        tags: ['auth'],
        body: RegisterBodySchema,
        response: { 201: RegisterResponseSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const userId = randomUUID()
      const { email, password, name } = request.body
      const registered = app.outbox.event('UserRegistered', request, userId, { email: email.toLowerCase(), name: name.trim() })
      await options.passwords.admit(async () =>
        app.profiles.createProfile(
          { userId, email, name: name.trim(), passwordHash: await options.passwords.hash(password), createdAt: new Date() },
          app.outbox.put(registered),
        ),
      )
      request.log.info({ user_id: userId }, 'user registered')
      const token = await app.issueToken({ sub: userId, email: email.toLowerCase(), role: 'user' })
      return reply.code(201).send({ user_id: userId, token })
    },
  )

  app.post(
    '/api/auth/login',
    {
      onRequest: loginsPerAddress,
      // After validation: the key is the email of the body.
      preHandler: loginsPerEmail,
      schema: {
        summary: "Exchange email and password for a token carrying the profile's role",
        tags: ['auth'],
        body: LoginBodySchema,
        response: { 200: TokenResponseSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => ({ token: await signIn(request), expires_in: options.tokenTtlSeconds }),
  )

  // The web console's session: the token in an httpOnly cookie instead of the answer's body.
  app.post(
    '/api/auth/session',
    {
      onRequest: loginsPerAddress,
      preHandler: loginsPerEmail,
      schema: {
        summary: 'Sign in the web console: the token is set as an httpOnly, same-site cookie on /api (never readable by scripts)',
        description:
          'Same checks and limits as /api/auth/login. Requests it signs in that change something must carry an Origin of APP_ORIGINS (403 otherwise).',
        tags: ['auth'],
        body: LoginBodySchema,
        response: { 200: SessionSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const token = await signIn(request)
      const claims = app.jwt.decode<TokenClaims & { exp: number }>(token)!
      void reply.setCookie(SESSION_COOKIE, token, cookieAttributes)
      return session(claims)
    },
  )

  app.get(
    '/api/auth/session',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'Who is signed in (session cookie or bearer token), and until when; costs no api_request',
        tags: ['auth'],
        security: SIGNED_IN,
        response: { 200: SessionSchema, 401: ErrorBodySchema },
      },
    },
    async (request) => session(request.user),
  )

  app.delete(
    '/api/auth/session',
    {
      schema: {
        summary: 'Sign out the web console: the session cookie is cleared (a token is valid until it expires)',
        tags: ['auth'],
        response: { 204: Type.Null({ description: 'Signed out' }), 503: ErrorBodySchema },
      },
    },
    async (_request, reply) => {
      void reply.clearCookie(SESSION_COOKIE, { path: cookieAttributes.path })
      return reply.code(204).send(null)
    },
  )
}
