// /users/:userId/actions: direct logging by services, and the query API.
import { ActionPageSchema, ActionQuerySchema, LogActionBodySchema } from '@f1/contracts/actions'
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import type { ServiceApp } from '@f1/service-kit'
import Type from 'typebox'
import { InvalidRangeError } from '../../errors.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export default async function actionRoutes(app: ServiceApp, options: { now: () => Date }) {
  app.post(
    '/users/:userId/actions',
    {
      schema: {
        summary: 'Log an action directly (idempotent by action_id and occurred_at)',
        params: UserIdParamsSchema,
        body: LogActionBodySchema,
        response: { 201: Type.Object({ logged: Type.Boolean() }), 200: Type.Object({ logged: Type.Boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      const { action_id, action_type, occurred_at, action_details, plan_id } = request.body
      const logged = await app.actions.recordAction({
        userId: request.params.userId,
        actionId: action_id,
        occurredAt: new Date(occurred_at),
        actionType: action_type,
        details: action_details ?? {},
        planId: plan_id,
        source: 'direct',
        correlationId: request.id,
      })
      // 201 the first time, 200 for a retry that found it logged already.
      return reply.code(logged ? 201 : 200).send({ logged })
    },
  )

  app.get(
    '/users/:userId/actions',
    {
      schema: {
        summary: "A user's actions, newest first, with time range, type filter and cursor pagination",
        params: UserIdParamsSchema,
        querystring: ActionQuerySchema,
        response: { 200: ActionPageSchema, ...errors },
      },
    },
    async (request) => {
      const { from, to, type, limit, cursor } = request.query
      if (from && to && Date.parse(from) > Date.parse(to)) throw new InvalidRangeError()
      const page = await app.actions.listActions(request.params.userId, { from, to, type, limit: limit ?? 20, cursor, now: options.now() })
      return { actions: page.actions, next_cursor: page.nextCursor }
    },
  )
}
