// /api/admin: operator routes, for users whose token and whose profile both say role admin (the
// role is granted and revoked with `pnpm --filter @f1/gateway admin`). They relay the migrator.
import { ErrorBodySchema } from '@f1/contracts/errors'
import {
  RunIdParamsSchema,
  RunSchema,
  StartRunBodySchema,
  StartRunResponseSchema,
  StartVerificationBodySchema,
  StartVerificationResponseSchema,
  StatusSchema,
  VerificationIdParamsSchema,
  VerificationSchema,
} from '@f1/contracts/migrations'
import { KindStageSchema, MigrationKindParamsSchema, PutStageBodySchema, StagesResponseSchema } from '@f1/contracts/migration-stages'
import type { ServiceApp } from '@f1/service-kit'
import { IdempotencyHeadersSchema } from '../../plugins/idempotency.ts'
import { ForbiddenError } from '@f1/service-kit/errors'
import Type from 'typebox'
import { SIGNED_IN } from '../../lib/security.ts'

const errors = { 401: ErrorBodySchema, 403: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema }

export default async function adminRoutes(app: ServiceApp) {
  app.usePlanSecurity()
  app.addHook('preHandler', async (request) => {
    // The token tells the role at login; the profile tells it now, so a revocation stops old tokens too.
    if (request.user.role !== 'admin' || (await app.currentRole(request.user.sub)) !== 'admin') {
      throw new ForbiddenError('This route is for administrators')
    }
  })

  app.get(
    '/api/admin/migration/status',
    {
      schema: {
        summary: 'Legacy migration: the current and last backfill runs, their counts, and lazily migrated users',
        tags: ['admin'],
        security: SIGNED_IN,
        response: { 200: StatusSchema, ...errors },
      },
    },
    async (request) => app.migratorService.status({ requestId: request.id }),
  )

  app.post(
    '/api/admin/migration/backfill',
    {
      config: { idempotency: {} },
      schema: {
        summary: 'Start a backfill run in the background (409 while one is running)',
        description: 'With an Idempotency-Key, a retry answers the run it started instead of a 409.',
        tags: ['admin'],
        security: SIGNED_IN,
        headers: IdempotencyHeadersSchema,
        body: Type.Optional(StartRunBodySchema),
        response: { 202: StartRunResponseSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const run = await app.migratorService.startBackfill({ options: request.body ?? {}, requestId: request.id })
      return reply.code(202).send(run)
    },
  )

  app.get(
    '/api/admin/migration/runs/:id',
    {
      schema: {
        summary: 'A backfill run: status, options, progress, and its report once it ended',
        tags: ['admin'],
        security: SIGNED_IN,
        params: RunIdParamsSchema,
        response: { 200: RunSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => app.migratorService.run({ runId: request.params.id, requestId: request.id }),
  )

  app.post(
    '/api/admin/migration/verify',
    {
      config: { idempotency: {} },
      schema: {
        summary: 'Start a verify in the background: legacy compared with the new tables (409 while a backfill or a verify runs)',
        description:
          'With an Idempotency-Key, a retry answers the verification it started. 409 RUN_IN_PROGRESS while a backfill runs; ' +
          '409 VERIFY_IN_PROGRESS, with details.verification_id, while another verify does.',
        tags: ['admin'],
        security: SIGNED_IN,
        headers: IdempotencyHeadersSchema,
        body: Type.Optional(StartVerificationBodySchema),
        response: { 202: StartVerificationResponseSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const started = await app.migratorService.startVerify({ options: request.body ?? {}, requestId: request.id })
      return reply.code(202).send(started)
    },
  )

  app.get(
    '/api/admin/migration/verifications/:id',
    {
      schema: {
        summary: 'A verification: status, progress, and its report (counts and the first 50 differences) once done',
        tags: ['admin'],
        security: SIGNED_IN,
        params: VerificationIdParamsSchema,
        response: { 200: VerificationSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => app.migratorService.verification({ verificationId: request.params.id, requestId: request.id }),
  )

  app.get(
    '/api/admin/migration/stages',
    {
      schema: {
        summary: "Every kind's migration stage (fallback, shadow, new-only, retired) and the figures to decide the next move on",
        description:
          'Per kind: the shadow consistency over its newest comparisons with mismatch samples, legacy reads per minute (falling to ' +
          'zero is the signal to stop reading legacy), the newest verify, and whether each forward move would be accepted now.',
        tags: ['admin'],
        security: SIGNED_IN,
        response: { 200: StagesResponseSchema, ...errors },
      },
    },
    async (request) => app.migratorService.stages({ requestId: request.id }),
  )

  app.put(
    '/api/admin/migration/stages/:kind',
    {
      schema: {
        summary: 'Move a kind to another migration stage: forward only when its guard rail holds, back always',
        description:
          '409 STAGE_PRECONDITION_FAILED, with details.condition, when a forward move is refused (no clean verify, too few or too ' +
          'inconsistent shadow reads, too little time in new-only); 409 STAGE_CHANGED_MEANWHILE when another change landed first. ' +
          'Every change is logged as an action of the admin and published as Migration Stage Changed.',
        tags: ['admin'],
        security: SIGNED_IN,
        params: MigrationKindParamsSchema,
        body: PutStageBodySchema,
        response: { 200: KindStageSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) =>
      app.migratorService.setStage({ kind: request.params.kind, change: request.body, changedBy: request.user.sub, requestId: request.id }),
  )
}
