// /verifications: start a verify in the background (one at a time, anywhere; none during a backfill),
// and read one: status, progress, and its report once done.
import { ErrorBodySchema } from '@f1/contracts/errors'
import {
  StartVerificationBodySchema,
  StartVerificationResponseSchema,
  VerificationIdParamsSchema,
  VerificationSchema,
} from '@f1/contracts/migrations'
import type { ServiceApp } from '@f1/service-kit'
import { VerificationNotFoundError } from '../../errors.ts'
import { verificationView } from '../views.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export default async function verificationRoutes(app: ServiceApp) {
  app.post(
    '/verifications',
    {
      schema: {
        summary: 'Start a verify (legacy compared with the new tables) in the background',
        description: '409 RUN_IN_PROGRESS while a backfill runs, 409 VERIFY_IN_PROGRESS (details.verification_id) while a verify does.',
        body: StartVerificationBodySchema,
        response: { 202: StartVerificationResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const handle = await app.verifications.start({ segments: request.body.segments })
      request.log.info({ verification_id: handle.verificationId }, 'verify started')
      return reply.code(202).send({ verification_id: handle.verificationId })
    },
  )

  app.get(
    '/verifications/:id',
    {
      schema: {
        summary: 'A verification: status, progress, and its report (counts and the first differences) once done',
        params: VerificationIdParamsSchema,
        response: { 200: VerificationSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const record = await app.migrationState.getVerification(request.params.id)
      if (!record) throw new VerificationNotFoundError(request.params.id)
      return verificationView(record, app.verifications.active(), true)
    },
  )
}
