// The one error body every app answers with (docs/architecture.md, "Errors").
import Type, { type Static } from 'typebox'

export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable machine-readable code, e.g. QUOTA_EXCEEDED' }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
})
export type ErrorBody = Static<typeof ErrorBodySchema>
