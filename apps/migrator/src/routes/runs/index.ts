// /runs: start a backfill in the background (one at a time, across every instance and the CLI), and read a run.
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import { RunNotFoundError } from '../../errors.ts'
import { RunIdParamsSchema, RunSchema, StartRunBodySchema, StartRunResponseSchema } from '@f1/contracts/migrations'
import { runView } from '../views.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export default async function runRoutes(app: ServiceApp) {
  app.post(
    '/runs',
    {
      schema: {
        summary: 'Start a backfill in the background (resumes the unfinished one unless fresh)',
        body: StartRunBodySchema,
        response: { 202: StartRunResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body
      const handle = await app.runs.start({
        dryRun: body.dry_run ?? false,
        segments: body.segments,
        rate: body.rate ?? null,
        fresh: body.fresh ?? false,
      })
      request.log.info({ run_id: handle.runId, resumed: handle.resumed }, 'backfill started')
      return reply.code(202).send({ run_id: handle.runId as string, resumed: handle.resumed })
    },
  )

  app.get(
    '/runs/:id',
    {
      schema: {
        summary: 'A run: status, options, progress, and its report once it ended',
        params: RunIdParamsSchema,
        response: { 200: RunSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const record = await app.migrationState.getRun(request.params.id)
      if (!record) throw new RunNotFoundError(request.params.id)
      return runView(record, app.runs.active(), true)
    },
  )
}
