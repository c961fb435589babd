// An event that can never be processed reaches the dead letters after one attempt, over real HTTP:
// the real consumer plugin answers 400 for a detail outside its contract, and the bus (like an
// EventBridge API destination) does not retry a 400.
import t from 'tap'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import eventConsumer from '@f1/events/consumer'
import { createServiceApp } from '@f1/service-kit'
import { entry, FAST_RETRY, sdkClient, SECRET, startTestBus, type TapTest } from './bus-helper.ts'

/** The platform's consumer plugin on a real port, recording what it is sent and what its handler stores. */
async function startConsumer(t: TapTest) {
  const app = createServiceApp({ name: 'consumer', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1_048_576 }, logger: false })
  const answers: number[] = []
  const stored: Array<Record<string, unknown>> = []
  app.addHook('onResponse', async (_request, reply) => {
    answers.push(reply.statusCode)
  })
  await app.register(eventConsumer, {
    secret: SECRET,
    handlers: {},
    any: async (detail) => {
      stored.push(detail)
    },
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return { url: `${url}/events`, answers, stored }
}

t.test('a detail timed at a leap second is a 400 at the consumer and is dead-lettered after exactly one attempt', async (t) => {
  const consumer = await startConsumer(t)
  // Attempts to spare: any retry would show.
  const bus = await startTestBus(t, { targetBase: 'unused', targetUrl: () => consumer.url, retry: { ...FAST_RETRY, maxAttempts: 5 } })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())

  const out = await client.send(
    new PutEventsCommand({ Entries: [entry({}, { occurred_at: '2024-06-30T23:59:60Z' }), entry({}, { user_id: 'u-valid' })] }),
  )
  t.equal(out.FailedEntryCount, 0, 'EventBridge accepts any JSON detail; the contract is checked by the consumer')
  await bus.idle()

  t.same(consumer.answers.sort(), [200, 400], 'one attempt each: the valid event stored, the leap second refused')
  t.match(consumer.stored, [{ user_id: 'u-valid' }])
  t.match(bus.stats(), { delivered: 1, retries: 0, deadLettered: 1 })
  const letters = await bus.deadLetters.list()
  t.equal(letters.length, 1)
  t.match(letters[0], {
    eventId: out.Entries?.[0]?.EventId,
    attempts: 1,
    lastError: /^HTTP 400: .*INVALID_EVENT.*occurred_at/,
    detailType: 'User Signed In',
  })
})
