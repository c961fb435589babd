// What a consumer does with one delivered event, however it arrived (its queue, or POST /events
// locally): check the envelope and the detail against their contracts, then run the handler.
import createError from '@fastify/error'
import { context, SpanKind, trace } from '@opentelemetry/api'
import Value from 'typebox/value'
import type { TSchema } from 'typebox'
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
import { withExtras } from '@f1/service-kit/errors'
import { continuing, inSpan } from '@f1/service-kit/tracing'

/** An event that can never be handled, however often it is delivered: it goes to the dead letters at once. */
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

export interface EventRouting {
  handlers: EventHandlers
  /** Handles every valid event of the platform, whatever its type (the action log). */
  any?: (detail: AnyEventDetail, context: EventContext) => Promise<unknown>
}

export type EventOutcome = 'processed' | 'ignored'

function contractIssues(schema: TSchema, value: unknown) {
  return [...Value.Errors(schema, value)].slice(0, 10).map((e) => ({ path: e.instancePath, message: e.message }))
}

function invalid(issues: Array<{ path: string; message: string }>): never {
  throw withExtras(new InvalidEventError(issues.map((i) => `${i.path} ${i.message}`).join('; ')), { details: { issues } })
}

/** The envelope as its contract types it, or an InvalidEventError naming what does not match. */
export function checkedEnvelope(value: unknown): EventEnvelope {
  if (Value.Check(EventEnvelopeSchema, value)) return value
  return invalid(contractIssues(EventEnvelopeSchema, value))
}

/** The detail as its contract types it, or an InvalidEventError naming what does not match. */
function checkedDetail<N extends EventName>(name: N, detail: unknown): EventDetail<N> {
  const schema: (typeof EVENTS)[N]['detail'] = EVENTS[name].detail
  if (Value.Check(schema, detail)) return detail
  return invalid(contractIssues(schema, detail))
}

async function dispatch<N extends EventName>(
  routing: EventRouting,
  name: N,
  detail: unknown,
  context: EventContext,
): Promise<EventOutcome> {
  const checked = checkedDetail(name, detail)
  const handler: EventHandler<N> | undefined = routing.handlers[name] ?? routing.any
  if (!handler) return 'ignored'
  await handler(checked, context)
  return 'processed'
}

/**
 * Runs the handler of one event; resolves once its effect is stored. Throws InvalidEventError when
 * the event breaks its contract; any other error means "try again later" (handlers are idempotent).
 */
export async function handleEnvelope(routing: EventRouting, envelope: EventEnvelope, parentLog: FastifyBaseLogger): Promise<EventOutcome> {
  const log = parentLog.child({ bus_event_id: envelope.id, detail_type: envelope['detail-type'] })
  const name = eventNameOf(envelope['detail-type'])
  if (!name) {
    log.warn('event of an unknown detail-type; acknowledged and ignored')
    return 'ignored'
  }
  if (EVENTS[name].source !== envelope.source) {
    throw new InvalidEventError(`source ${envelope.source} does not publish ${EVENTS[name].detailType}`)
  }
  // The contract requires it, so it is there: the envelope's id changes when a relay or the bus retries.
  const eventId = String(envelope.detail.event_id)
  return inSpan(
    `process ${envelope['detail-type']}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.operation.type': 'process', 'f1.event_id': eventId, 'f1.event_source': envelope.source },
      ...arrivalLink(),
    },
    () => dispatch(routing, name, envelope.detail, { envelope, eventId, log: log.child({ event_id: eventId }) }),
    // The trace of the work that caused the event (its detail's `traceparent`): handling it continues that trace.
    continuing(envelope.detail.traceparent),
  )
}

/** The delivery it arrived by (POST /events has a span of its own), linked rather than parent. */
function arrivalLink() {
  const arrival = trace.getSpan(context.active())?.spanContext()
  return arrival ? { links: [{ context: arrival }] } : {}
}
