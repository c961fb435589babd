// /api/users/actions: the signed-in user's own action log.
import { ActionPageSchema, ActionQuerySchema } from '@f1/contracts/actions'
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import { SIGNED_IN } from '../../lib/security.ts'

export default async function actionRoutes(app: ServiceApp) {
  app.usePlanSecurity()

  app.get(
    '/api/users/actions',
    {
      schema: {
        summary: 'Your actions, newest first: filter by from / to / type, page with limit and cursor',
        tags: ['users'],
        security: SIGNED_IN,
        querystring: ActionQuerySchema,
        response: { 200: ActionPageSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => app.actionLogService.listActions({ userId: request.user.sub, query: request.query, requestId: request.id }),
  )
}
