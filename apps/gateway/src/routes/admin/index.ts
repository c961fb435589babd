// /api/admin: operator routes, for tokens with role admin only (ADMIN_EMAILS).
import Type from 'typebox'
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import { ForbiddenError } from '@f1/service-kit/errors'

const BackfillBodySchema = Type.Object(
  {
    dry_run: Type.Optional(Type.Boolean({ description: 'Read and transform everything, write nothing' })),
    segments: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'Parallel Scan segments' })),
    rate: Type.Optional(Type.Integer({ minimum: 1, description: 'Writes per second at most' })),
    fresh: Type.Optional(Type.Boolean({ description: 'Start over instead of resuming an unfinished run' })),
  },
  { additionalProperties: false },
)
const Anything = Type.Record(Type.String(), Type.Unknown())
const errors = { 401: ErrorBodySchema, 403: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema }

export default async function adminRoutes(app: ServiceApp) {
  app.usePlanSecurity()
  app.addHook('preHandler', async (request) => {
    if (request.user.role !== 'admin') throw new ForbiddenError('This route is for administrators')
  })

  app.get(
    '/api/admin/migration/status',
    {
      schema: {
        summary: 'Legacy migration: the current and last backfill runs, their counts, and lazily migrated users',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        response: { 200: Anything, ...errors },
      },
    },
    async (request) => app.migratorService.status({ requestId: request.id }),
  )

  app.post(
    '/api/admin/migration/backfill',
    {
      schema: {
        summary: 'Start a backfill run in the background (409 while one is running)',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        body: Type.Optional(BackfillBodySchema),
        response: { 202: Anything, 400: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const run = await app.migratorService.startBackfill({ options: request.body ?? {}, requestId: request.id })
      return reply.code(202).send(run)
    },
  )
}
