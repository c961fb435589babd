// Fastify plugin: POST /events, the endpoint the bus delivers to. It checks the bus secret,
// validates the detail against its contract, and answers 2xx only after the handler's write is
// durable, so an event is either stored or redelivered (and then a no-op: handlers are idempotent).
import fp from 'fastify-plugin'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import createError from '@fastify/error'
import Value from 'typebox/value'
import Type from 'typebox'
import type { FastifyBaseLogger } from 'fastify'
import { EventEnvelopeSchema, contractOf, type EventEnvelope } from '@f1/contracts/events'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { constantTimeEquals } from '@f1/service-kit/service-auth'
import { UnauthorizedError, withExtras } from '@f1/service-kit/errors'
import { BUS_SECRET_HEADER, CONSUMER_PATH } from './rules.ts'

export const InvalidEventError = createError('INVALID_EVENT', 'The event does not match its contract: %s', 400)

export interface EventContext {
  envelope: EventEnvelope
  /** The event's own id (the detail's `event_id`, fixed in the outbox): the same on every delivery, what effects dedupe on. */
  eventId: string
  log: FastifyBaseLogger
}

/** Handles one event; resolves once its effect is stored. `detail` is validated against the contract. */
export type EventHandler = (detail: Record<string, unknown>, context: EventContext) => Promise<unknown>

export interface ConsumerOptions {
  secret: string
  /** Handlers by detail-type; an event of any other known type is acknowledged and ignored. */
  handlers: Record<string, EventHandler>
  /** Handles every valid event of the platform, whatever its type (the action log). */
  any?: EventHandler
}

const ResponseSchema = Type.Object({ status: Type.Enum(['processed', 'ignored']) })

export default fp<ConsumerOptions>(
  async (fastify, options) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
    app.post(
      CONSUMER_PATH,
      {
        schema: {
          summary: 'Event delivery from the bus (EventBridge API destination)',
          body: EventEnvelopeSchema,
          response: { 200: ResponseSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema },
        },
        onRequest: async (request) => {
          const presented = request.headers[BUS_SECRET_HEADER]
          if (typeof presented !== 'string' || !constantTimeEquals(presented, options.secret)) {
            throw new UnauthorizedError(`Missing or wrong ${BUS_SECRET_HEADER}`)
          }
        },
      },
      async (request) => {
        const envelope = request.body
        const log = request.log.child({ bus_event_id: envelope.id, detail_type: envelope['detail-type'] })
        const contract = contractOf(envelope['detail-type'])
        if (!contract) {
          log.warn('event of an unknown detail-type; acknowledged and ignored')
          return { status: 'ignored' as const }
        }
        if (contract.source !== envelope.source) {
          throw new InvalidEventError(`source ${envelope.source} does not publish ${contract.detailType}`)
        }
        if (!Value.Check(contract.detail, envelope.detail)) {
          const issues = [...Value.Errors(contract.detail, envelope.detail)]
            .slice(0, 10)
            .map((e) => ({ path: e.instancePath, message: e.message }))
          // 400 lands the event in the bus's dead letters, where it can be inspected.
          throw withExtras(new InvalidEventError(issues.map((i) => `${i.path} ${i.message}`).join('; ')), { details: { issues } })
        }
        const handler = options.handlers[contract.detailType] ?? options.any
        if (!handler) return { status: 'ignored' as const }
        // The contract requires it, so it is there: the envelope's id changes when a relay or the bus retries.
        const eventId = String(envelope.detail.event_id)
        await handler(envelope.detail, { envelope, eventId, log: log.child({ event_id: eventId }) })
        return { status: 'processed' as const }
      },
    )
  },
  { name: 'event-consumer', fastify: '5.x' },
)
