// /stages: every kind's migration stage with the figures an operator decides on, and the change of
// one kind's stage (forward only when its guard rail holds; back always).
import Type from 'typebox'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { KindStageSchema, MigrationKindParamsSchema, PutStageBodySchema, StagesResponseSchema } from '@f1/contracts/migration-stages'
import { UserIdSchema } from '@f1/contracts/common'
import type { ServiceApp } from '@f1/service-kit'
import { changeStage, stageViews, type StageDeps } from '../../migration/stages.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

/** The change as the gateway relays it: the admin's body and who the admin is. */
const ChangeBodySchema = Type.Object({ ...PutStageBodySchema.properties, changed_by: UserIdSchema }, { additionalProperties: false })

export default async function stageRoutes(app: ServiceApp, options: { deps: StageDeps }) {
  const { deps } = options

  app.get(
    '/stages',
    {
      schema: {
        summary: "Every kind's migration stage, its shadow figures, legacy reads per minute, the newest verify, and the moves allowed now",
        response: { 200: StagesResponseSchema, ...errors },
      },
    },
    async () => ({ kinds: await stageViews(deps) }),
  )

  app.put(
    '/stages/:kind',
    {
      schema: {
        summary:
          "Move a kind to another stage: 409 STAGE_PRECONDITION_FAILED (details.condition) when a forward move's guard rail does not hold",
        params: MigrationKindParamsSchema,
        body: ChangeBodySchema,
        response: { 200: KindStageSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const { kind } = request.params
      const { stage, sample_rate: sampleRate, changed_by: by } = request.body
      const view = await changeStage(deps, { kind, stage, sampleRate, by, requestId: request.id }, (previous, rate) =>
        app.outbox.put(
          app.outbox.event('MigrationStageChanged', { id: request.id }, by, { kind, stage, previous_stage: previous, sample_rate: rate }),
        ),
      )
      request.log.info({ kind, stage, changed_by: by }, 'migration stage changed')
      return view
    },
  )
}
