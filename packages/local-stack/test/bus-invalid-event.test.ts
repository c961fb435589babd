// An event that can never be processed reaches the consumer's dead-letter queue after one receive,
// through the real pieces: the bus puts both events on the queue (EventBridge accepts any JSON
// detail), the platform's consumer plugin polls it, stores the valid one and moves the one outside
// its contract to the dead-letter queue at once instead of receiving it maxReceiveCount times.
import t from 'tap'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import eventConsumer from '@f1/events/consumer'
import { DEAD_LETTER_ATTRIBUTES } from '@f1/events/queue-consumer'
import { createServiceApp } from '@f1/service-kit'
import type { LocalBus } from '../src/bus/server.ts'
import { entry, queueClient, queueDepth, sdkClient, startTestBus, type TapTest } from './bus-helper.ts'

/** The platform's consumer plugin reading the action log's queue, recording what its handler stores. */
async function startConsumer(t: TapTest, bus: LocalBus) {
  const app = createServiceApp({ name: 'consumer', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1_048_576 }, logger: false })
  const stored: Array<Record<string, unknown>> = []
  const { queueUrl, deadLetterQueueUrl } = bus.queues['action-log-service']
  await app.register(eventConsumer, {
    queue: {
      url: queueUrl,
      deadLetterUrl: deadLetterQueueUrl,
      endpoint: bus.sqsEndpoint,
      region: 'us-east-1',
      concurrency: 2,
    },
    handlers: {},
    any: async (detail) => {
      stored.push(detail)
    },
  })
  await app.ready()
  t.teardown(() => app.close())
  return { app, stored }
}

t.test('a detail timed at a leap second goes to the dead-letter queue after one receive; the valid event is stored', async (t) => {
  const bus = await startTestBus(t)
  const consumer = await startConsumer(t, bus)
  const client = sdkClient(bus.url)
  const sqs = queueClient(bus)
  t.teardown(() => (client.destroy(), sqs.destroy()))

  const out = await client.send(
    new PutEventsCommand({ Entries: [entry({}, { occurred_at: '2024-06-30T23:59:60Z' }), entry({}, { user_id: 'u-valid' })] }),
  )
  t.equal(out.FailedEntryCount, 0, 'EventBridge accepts any JSON detail; the contract is checked by the consumer')
  await bus.idle()
  const { queueUrl, deadLetterQueueUrl } = bus.queues['action-log-service']
  while ((await queueDepth(sqs, deadLetterQueueUrl)).waiting === 0 || consumer.stored.length === 0)
    await new Promise((resolve) => setTimeout(resolve, 20))

  t.match(consumer.stored, [{ user_id: 'u-valid' }])
  t.match(bus.stats(), { delivered: 2, retries: 0, deadLettered: 0 }, 'the bus put both on the queue')
  t.same(await bus.deadLetters.list(), [])
  const { Messages: dead = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: deadLetterQueueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  )
  t.equal(dead.length, 1)
  t.equal(JSON.parse(dead[0]?.Body ?? '{}').id, out.Entries?.[0]?.EventId, 'the leap-second event, intact')
  t.match(dead[0]?.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.error]?.StringValue, /occurred_at/, 'with why')
  t.same(await queueDepth(sqs, queueUrl), { waiting: 0, inFlight: 0 }, 'nothing left to receive again')
  t.match(consumer.app.eventQueue?.stats(), { received: 2, deadLettered: 1, retried: 0 }, 'one receive each, no retry')
})
