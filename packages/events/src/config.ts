// Env settings of the event bus, shared by every publishing or consuming app.
import Type from 'typebox'

export const EventBusConfigProperties = {
  EVENTBRIDGE_ENDPOINT: Type.Optional(
    Type.String({ format: 'uri', description: 'EventBridge endpoint override (the local bus); unset in AWS' }),
  ),
  EVENT_BUS_NAME: Type.String({ minLength: 1, maxLength: 256, default: 'f1-events-dev', description: 'The event bus' }),
}

export const EventConsumerConfigProperties = {
  EVENT_BUS_SECRET: Type.String({ minLength: 16, description: 'x-bus-secret the bus presents to consumers (API destination connection)' }),
}

/** Local-only defaults (the local bus on 4010 and its secret); a deployed stage refuses them. */
export const EVENT_BUS_DEV_DEFAULTS: Readonly<Record<string, string>> = {
  EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:4010',
  EVENT_BUS_SECRET: 'dev-bus-secret-not-for-production',
}
