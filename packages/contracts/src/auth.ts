// Gateway authentication bodies.
import Type, { type Static } from 'typebox'
import { RoleSchema, UserIdSchema } from './common.ts'

export const EmailSchema = Type.String({ format: 'email', minLength: 3, maxLength: 254 })
export const PasswordSchema = Type.String({ minLength: 8, maxLength: 128 })

export const RegisterBodySchema = Type.Object(
  {
    email: EmailSchema,
    password: PasswordSchema,
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
)
export type RegisterBody = Static<typeof RegisterBodySchema>

export const LoginBodySchema = Type.Object(
  { email: EmailSchema, password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBodySchema>

export const RegisterResponseSchema = Type.Object({ user_id: UserIdSchema, token: Type.String() })
export const TokenResponseSchema = Type.Object({ token: Type.String(), expires_in: Type.Integer() })

/** The signed-in user as the web console sees it (the token itself stays in an httpOnly cookie). */
export const SessionSchema = Type.Object({
  user_id: UserIdSchema,
  email: Type.String(),
  role: RoleSchema,
  expires_at: Type.String({ format: 'date-time' }),
})
export type Session = Static<typeof SessionSchema>
