// /api/auth: registration and login (public; they do not consume api_request).
import { randomUUID } from 'node:crypto'
import { LoginBodySchema, RegisterBodySchema, RegisterResponseSchema, TokenResponseSchema } from '@f1/contracts/auth'
import type { Role } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import { InvalidCredentialsError } from '../../errors.ts'
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../lib/passwords.ts'

export default async function authRoutes(app: ServiceApp, options: { tokenTtlSeconds: number; adminEmails: ReadonlySet<string> }) {
  const roleOf = (email: string, stored: Role | undefined): Role =>
    options.adminEmails.has(email.toLowerCase()) ? 'admin' : (stored ?? 'user')

  app.post(
    '/api/auth/register',
    {
      schema: {
        summary: 'Create an account',
        tags: ['auth'],
        body: RegisterBodySchema,
        response: { 201: RegisterResponseSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const userId = randomUUID()
      const { email, password, name } = request.body
      await app.profiles.createProfile({
        userId,
        email,
        name: name.trim(),
        passwordHash: await hashPassword(password),
        createdAt: new Date(),
      })
      request.log.info({ user_id: userId }, 'user registered')
      app.events.publish('UserRegistered', request, userId, { email: email.toLowerCase(), name: name.trim() })
      const token = await app.issueToken({ sub: userId, email: email.toLowerCase(), role: roleOf(email, 'user') })
      return reply.code(201).send({ user_id: userId, token })
    },
  )

  app.post(
    '/api/auth/login',
    {
      schema: {
        summary: 'Exchange email and password for a token',
        tags: ['auth'],
        body: LoginBodySchema,
        response: { 200: TokenResponseSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => {
      const profile = await app.profiles.findProfileByEmail(request.body.email)
      // Unknown email and wrong password cost the same time and get the same answer.
      const valid = await verifyPassword(request.body.password, profile?.password_hash ?? DUMMY_HASH)
      if (!profile || !profile.password_hash || !valid) throw new InvalidCredentialsError()
      request.log.info({ user_id: profile.user_id }, 'user signed in')
      app.events.publish('UserSignedIn', request, profile.user_id, {})
      const token = await app.issueToken({
        sub: profile.user_id,
        email: profile.email.toLowerCase(),
        role: roleOf(profile.email, profile.role),
      })
      return { token, expires_in: options.tokenTtlSeconds }
    },
  )
}
