// /users/:userId/charges: metered work is charged before it runs, committed when its result is
// stored, refunded (exactly what it counted, once) when it fails. See the README's state machine.
import Type from 'typebox'
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import {
  ChargeParamsSchema,
  ChargeSchema,
  CommitChargeBodySchema,
  CreateChargeBodySchema,
  RefundChargeBodySchema,
} from '@f1/contracts/usage'
import type { ServiceApp } from '@f1/service-kit'
import { ChargeNotFoundError } from '../../errors.ts'
import { announceRefusal } from '../../lib/limit-reached.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }

export interface ChargeRoutesOptions {
  now: () => Date
}

export default async function chargeRoutes(app: ServiceApp, options: ChargeRoutesOptions) {
  app.post(
    '/users/:userId/charges',
    {
      schema: {
        summary: 'Charge a unit of work: every line within its limit, or none (429)',
        description:
          'Held with hold_ms (commit it when the work is stored, or it is refunded after the hold), committed at once without. ' +
          'The same charge_id again counts nothing: 200 with the charge as it stands, or 409 CHARGE_REFUNDED once refunded.',
        params: UserIdParamsSchema,
        body: CreateChargeBodySchema,
        response: { 200: ChargeSchema, 201: ChargeSchema, 409: ErrorBodySchema, 429: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const now = options.now()
      const { userId } = request.params
      const { charge_id: chargeId, lines, hold_ms: holdMs } = request.body
      const result = await app.charges
        .createCharge({ userId, chargeId, lines, holdMs, now })
        .catch((err: unknown) => announceRefusal(app, request, userId, err, now))
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      return reply.code(result.replayed ? 200 : 201).send(result.charge)
    },
  )

  app.post(
    '/users/:userId/charges/:chargeId/commit',
    {
      schema: {
        summary: 'Make a held charge final (its result is stored), in whole or in part',
        description:
          '409 CHARGE_REFUNDED once refunded, CHARGE_EXPIRED past its hold: the work must then be discarded. With `lines` ' +
          '(every held feature once, each at most its held amount; 400 INVALID_COMMIT otherwise, nothing written) only ' +
          'those amounts are committed and the rest is given back to the counters the hold counted, in the same ' +
          'transaction (committed_lines, returned_lines). Again with the same amounts: 200 idempotent-replayed; with ' +
          'others once committed: 409 CHARGE_COMMIT_MISMATCH.',
        params: ChargeParamsSchema,
        body: Type.Optional(CommitChargeBodySchema),
        response: { 200: ChargeSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const result = await app.charges.commitCharge({
        userId: request.params.userId,
        chargeId: request.params.chargeId,
        now: options.now(),
        lines: request.body?.lines,
      })
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      return result.charge
    },
  )

  app.post(
    '/users/:userId/charges/:chargeId/refund',
    {
      schema: {
        summary: 'Give back exactly what a held charge counted, once',
        description:
          '409 CHARGE_COMMITTED for a committed charge (its result is stored). An unknown charge is recorded as void, ' +
          'so it can no longer be made.',
        params: ChargeParamsSchema,
        body: Type.Optional(RefundChargeBodySchema),
        response: { 200: ChargeSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const { userId, chargeId } = request.params
      const result = await app.charges.refundCharge({ userId, chargeId, now: options.now() })
      request.log.info(
        { charge_id: chargeId, status: result.charge.status, replayed: result.replayed, reason: request.body?.reason },
        'charge refunded',
      )
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      return result.charge
    },
  )

  app.get(
    '/users/:userId/charges/:chargeId',
    {
      schema: {
        summary: 'A charge as recorded',
        params: ChargeParamsSchema,
        response: { 200: ChargeSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const charge = await app.charges.findCharge(request.params.userId, request.params.chargeId)
      if (!charge) throw new ChargeNotFoundError(request.params.chargeId)
      return charge
    },
  )
}
