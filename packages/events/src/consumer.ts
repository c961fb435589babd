// Fastify plugin: how a consumer app takes its events. With a queue it reads them from SQS (the
// bus's rules put them there; in AWS the only way in). With the bus secret it also answers
// POST /events, the local way to hand an event in: it checks the secret and the contract and
// answers 2xx only after the handler's write is durable.
import fp from 'fastify-plugin'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { EventEnvelopeSchema } from '@f1/contracts/events'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { constantTimeEquals } from '@f1/service-kit/service-auth'
import { UnauthorizedError } from '@f1/service-kit/errors'
import { handleEnvelope, type EventRouting } from './envelope.ts'
import { createQueueConsumer, createSqsClient, type QueueConsumerStats } from './queue-consumer.ts'
import { BUS_SECRET_HEADER, CONSUMER_PATH } from './rules.ts'

export { InvalidEventError } from './envelope.ts'
export type { EventContext, EventHandler, EventHandlers } from './envelope.ts'

export interface EventQueueSettings {
  url: string
  deadLetterUrl?: string | undefined
  region: string
  /** The local queues' endpoint; unset in AWS. */
  endpoint?: string | undefined
  concurrency: number
  /** Time given to events being handled when the app closes; default 10 s. */
  stopGraceMs?: number
}

export interface ConsumerOptions extends EventRouting {
  /** Serve POST /events to callers presenting this secret; unset, there is no such route. */
  secret?: string | undefined
  /** Read events from this queue; unset, none are read. */
  queue?: EventQueueSettings | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The queue reader's counters, when the app reads a queue. */
    eventQueue?: { stats(): QueueConsumerStats }
  }
}

/** The consumer options an app's config gives (its EventConsumerConfigProperties). */
export function eventDelivery(config: {
  AWS_REGION: string
  EVENT_QUEUE_URL?: string | undefined
  EVENT_DEAD_LETTER_QUEUE_URL?: string | undefined
  SQS_ENDPOINT?: string | undefined
  EVENT_QUEUE_CONCURRENCY: number
  EVENT_BUS_SECRET?: string | undefined
}): Pick<ConsumerOptions, 'secret' | 'queue'> {
  return {
    secret: config.EVENT_BUS_SECRET,
    queue: config.EVENT_QUEUE_URL
      ? {
          url: config.EVENT_QUEUE_URL,
          deadLetterUrl: config.EVENT_DEAD_LETTER_QUEUE_URL,
          region: config.AWS_REGION,
          endpoint: config.SQS_ENDPOINT,
          concurrency: config.EVENT_QUEUE_CONCURRENCY,
        }
      : undefined,
  }
}

const ResponseSchema = Type.Object({ status: Type.Enum(['processed', 'ignored']) })

export default fp<ConsumerOptions>(
  async (fastify, options) => {
    const routing: EventRouting = { handlers: options.handlers, ...(options.any ? { any: options.any } : {}) }
    const { secret, queue } = options
    if (queue) {
      const sqs = createSqsClient({ region: queue.region, endpoint: queue.endpoint })
      const consumer = createQueueConsumer({
        sqs,
        queueUrl: queue.url,
        deadLetterQueueUrl: queue.deadLetterUrl,
        handle: (envelope, log) => handleEnvelope(routing, envelope, log),
        log: fastify.log.child({ event_queue: queue.url }),
        concurrency: queue.concurrency,
      })
      fastify.decorate('eventQueue', { stats: consumer.stats })
      fastify.addHook('onReady', async () => consumer.start())
      // Registered after the tables, so it closes first: nothing is handled on a closed client.
      fastify.addHook('onClose', async () => {
        await consumer.stop(queue.stopGraceMs ?? 10_000)
        sqs.destroy()
      })
    }
    if (secret === undefined) return
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
    app.post(
      CONSUMER_PATH,
      {
        schema: {
          summary: 'Hand one event to this consumer (local stack and tests; in AWS events come from the queue)',
          body: EventEnvelopeSchema,
          response: { 200: ResponseSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema },
        },
        onRequest: async (request) => {
          const presented = request.headers[BUS_SECRET_HEADER]
          if (typeof presented !== 'string' || !constantTimeEquals(presented, secret)) {
            throw new UnauthorizedError(`Missing or wrong ${BUS_SECRET_HEADER}`)
          }
        },
      },
      async (request) => ({ status: await handleEnvelope(routing, request.body, request.log) }),
    )
  },
  { name: 'event-consumer', fastify: '5.x' },
)
