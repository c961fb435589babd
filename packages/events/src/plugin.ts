// Fastify plugin: `app.outbox`, this app's outbox in its own table. `event()` builds an event's item
// for the transaction that makes the state change it reports; `write()` stores an event that
// reports no state of its own, durably, before the request answers.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { EventName } from '@f1/contracts/events'
import { rethrowDynamoError } from '@f1/tables/errors'
import type { OutboxTableId } from '@f1/tables/outbox'
import type {} from '@f1/tables/plugin'
import { outboxEvent, outboxPut, writeOutboxEvent, type EventFields, type OutboxEvent } from './outbox.ts'

export interface AppOutbox {
  /** The table the app's outbox lives in (for transactions built elsewhere). */
  readonly tableName: string
  /** An event caused by `request` (or an event: its id) for `userId`, as an item to write with its state change. */
  event<N extends EventName>(
    name: N,
    cause: Pick<FastifyRequest, 'id'>,
    userId: string,
    fields: EventFields<N>,
    partition?: string,
  ): OutboxEvent
  /** The TransactWriteItems entry for an event. */
  put(event: OutboxEvent): ReturnType<typeof outboxPut>
  /** Writes an event that reports no state change of its own; resolves once it is stored. */
  write<N extends EventName>(
    name: N,
    cause: Pick<FastifyRequest, 'id'>,
    userId: string,
    fields: EventFields<N>,
    partition?: string,
  ): Promise<string>
}

declare module 'fastify' {
  interface FastifyInstance {
    outbox: AppOutbox
  }
}

export interface OutboxPluginOptions {
  table: OutboxTableId
  tableName: string
  /** Clock for occurred_at and the event ids (tests). */
  now?: () => Date
}

export default fp<OutboxPluginOptions>(
  async (app, options) => {
    const now = options.now ?? (() => new Date())
    const event: AppOutbox['event'] = (name, cause, userId, fields, partition) =>
      outboxEvent(options.table, name, { userId, correlationId: cause.id, ...(partition ? { partition } : {}) }, fields, now())
    app.decorate('outbox', {
      tableName: options.tableName,
      event,
      put: (built) => outboxPut(options.tableName, built),
      async write(name, cause, userId, fields, partition) {
        const built = event(name, cause, userId, fields, partition)
        try {
          await writeOutboxEvent(app.dynamo.doc, options.tableName, built)
        } catch (err) {
          rethrowDynamoError(err)
        }
        return built.eventId
      },
    } satisfies AppOutbox)
  },
  { name: 'outbox', dependencies: ['dynamodb'], fastify: '5.x' },
)
