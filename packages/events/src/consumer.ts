// Fastify plugin: POST /events, the endpoint the bus delivers to. It checks the bus secret,
// validates the detail against its contract, and answers 2xx only after the handler's write is
// durable, so an event is either stored or redelivered (and then a no-op: handlers are idempotent).
import fp from 'fastify-plugin'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import createError from '@fastify/error'
import Value from 'typebox/value'
import Type from 'typebox'
import type { FastifyBaseLogger } from 'fastify'
import {
  EVENTS,
  EventEnvelopeSchema,
  eventNameOf,
  type AnyEventDetail,
  type EventDetail,
  type EventEnvelope,
  type EventName,
} from '@f1/contracts/events'
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

/** Handles one event; resolves once its effect is stored. `detail` has been checked against its contract. */
export type EventHandler<N extends EventName> = (detail: EventDetail<N>, context: EventContext) => Promise<unknown>

/** Handlers by event name; an event of any other known type is acknowledged and ignored. */
export type EventHandlers = { [N in EventName]?: EventHandler<N> }

export interface ConsumerOptions {
  secret: string
  handlers: EventHandlers
  /** Handles every valid event of the platform, whatever its type (the action log). */
  any?: (detail: AnyEventDetail, context: EventContext) => Promise<unknown>
}

/** The detail as its contract types it, or a 400 naming what does not match (the bus dead-letters it, for inspection). */
function checkedDetail<N extends EventName>(name: N, detail: unknown): EventDetail<N> {
  const schema: (typeof EVENTS)[N]['detail'] = EVENTS[name].detail
  if (Value.Check(schema, detail)) return detail
  const issues = [...Value.Errors(schema, detail)].slice(0, 10).map((e) => ({ path: e.instancePath, message: e.message }))
  throw withExtras(new InvalidEventError(issues.map((i) => `${i.path} ${i.message}`).join('; ')), { details: { issues } })
}

async function dispatch<N extends EventName>(
  options: ConsumerOptions,
  name: N,
  detail: unknown,
  context: EventContext,
): Promise<'processed' | 'ignored'> {
  const checked = checkedDetail(name, detail)
  const handler: EventHandler<N> | undefined = options.handlers[name] ?? options.any
  if (!handler) return 'ignored'
  await handler(checked, context)
  return 'processed'
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
        const name = eventNameOf(envelope['detail-type'])
        if (!name) {
          log.warn('event of an unknown detail-type; acknowledged and ignored')
          return { status: 'ignored' as const }
        }
        if (EVENTS[name].source !== envelope.source) {
          throw new InvalidEventError(`source ${envelope.source} does not publish ${EVENTS[name].detailType}`)
        }
        // The contract requires it, so it is there: the envelope's id changes when a relay or the bus retries.
        const eventId = String(envelope.detail.event_id)
        const status = await dispatch(options, name, envelope.detail, { envelope, eventId, log: log.child({ event_id: eventId }) })
        return { status }
      },
    )
  },
  { name: 'event-consumer', fastify: '5.x' },
)
