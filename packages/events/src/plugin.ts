// Fastify plugin: `app.events.publish(...)` for route handlers; flushes the queue on close.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { EventDetail, EventName } from '@f1/contracts/events'
import { createEventBridgeClient, createEventPublisher, type EventPublisher } from './publisher.ts'

/** The fields a publisher fills in: the user, the time and the request it happened in. */
type OwnFields<N extends EventName> = Omit<EventDetail<N>, 'user_id' | 'occurred_at' | 'correlation_id' | 'version'>

export interface AppEvents {
  /** Queues an event caused by `request` for `userId`; never throws, never waits for the bus. */
  publish<N extends EventName>(name: N, request: Pick<FastifyRequest, 'id'>, userId: string, fields: OwnFields<N>): void
  publisher: EventPublisher
}

declare module 'fastify' {
  interface FastifyInstance {
    events: AppEvents
  }
}

export interface EventsPluginOptions {
  region: string
  endpoint?: string | undefined
  busName: string
  /** Clock for occurred_at (tests). */
  now?: () => Date
}

export default fp<EventsPluginOptions>(
  async (app, options) => {
    const client = createEventBridgeClient({ region: options.region, endpoint: options.endpoint })
    const publisher = createEventPublisher({ client, busName: options.busName, logger: app.log })
    const now = options.now ?? (() => new Date())
    app.decorate('events', {
      publish(name, request, userId, fields) {
        publisher.publish(name, { ...fields, user_id: userId, occurred_at: now().toISOString(), correlation_id: request.id })
      },
      publisher,
    } satisfies AppEvents)
    app.addHook('onClose', async () => {
      await publisher.flush()
      client.destroy()
    })
  },
  { name: 'events', fastify: '5.x' },
)
