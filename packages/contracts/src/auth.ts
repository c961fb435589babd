// Gateway authentication bodies.
import Type, { type Static } from 'typebox'
import { UserIdSchema } from './common.ts'

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
