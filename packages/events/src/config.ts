// Env settings of the event bus, shared by every publishing or consuming app.
import { REQUIRED_WHEN_DEPLOYED } from '@f1/service-kit/config'
import Type from 'typebox'

export const EventBusConfigProperties = {
  EVENTBRIDGE_ENDPOINT: Type.Optional(
    Type.String({ format: 'uri', description: 'EventBridge endpoint override (the local bus); unset in AWS' }),
  ),
  EVENT_BUS_NAME: Type.String({ minLength: 1, maxLength: 256, default: 'f1-events-dev', description: 'The event bus' }),
}

export const EventConsumerConfigProperties = {
  EVENT_QUEUE_URL: Type.Optional(
    Type.String({
      format: 'uri',
      ...REQUIRED_WHEN_DEPLOYED,
      description: 'The SQS queue this app reads its events from; unset (local only), the app reads none and takes them at POST /events',
    }),
  ),
  EVENT_DEAD_LETTER_QUEUE_URL: Type.Optional(
    Type.String({
      format: 'uri',
      ...REQUIRED_WHEN_DEPLOYED,
      description:
        "The event queue's dead-letter queue: an event that breaks its contract goes there at once instead of being received again",
    }),
  ),
  SQS_ENDPOINT: Type.Optional(Type.String({ format: 'uri', description: "SQS endpoint override (the local bus's queues); unset in AWS" })),
  EVENT_QUEUE_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Events of the queue handled at once by one process',
  }),
  EVENT_BUS_SECRET: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'x-bus-secret that POST /events requires (the local way to hand an event in); unset, the route does not exist',
    }),
  ),
}

/** Local-only defaults (the local bus on 4010 and its secret); a deployed stage refuses them. */
export const EVENT_BUS_DEV_DEFAULTS: Readonly<Record<string, string>> = {
  EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:4010',
  EVENT_BUS_SECRET: 'dev-bus-secret-not-for-production',
}
