import t from 'tap'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs'
import { CONSUMERS, EVENT_QUEUE, eventDeadLetterQueueName, eventQueueName } from '@f1/events/rules'
import { openDeadLetterStore, type AttemptResult } from '../src/bus/dead-letters.ts'
import { backoffMs, createDeliverer, DEFAULT_RETRY, silentLogger, type Delivery, type RetryPolicy } from '../src/bus/delivery.ts'
import type { BusEvent } from '../src/bus/put-events.ts'
import {
  entry,
  FAST_RETRY,
  queueClient,
  queueDepth,
  sdkClient,
  startBusAndConsumer,
  startQueueConsumer,
  startTestBus,
  type TapTest,
} from './bus-helper.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('each consumer has its queue and dead-letter queue, named and set as the contract says', async (t) => {
  const bus = await startTestBus(t)
  const sqs = queueClient(bus)
  t.teardown(() => sqs.destroy())
  for (const consumer of CONSUMERS) {
    const { queueUrl, deadLetterQueueUrl } = bus.queues[consumer]
    t.equal(queueUrl, `${bus.sqsEndpoint}/000000000000/${eventQueueName(consumer)}`)
    t.equal(deadLetterQueueUrl, `${bus.sqsEndpoint}/000000000000/${eventDeadLetterQueueName(consumer)}`)
    t.same(bus.queueEnv(consumer), {
      EVENT_QUEUE_URL: queueUrl,
      EVENT_DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
      SQS_ENDPOINT: bus.sqsEndpoint,
    })
    const { Attributes: queue = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))
    const { Attributes: dlq = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['All'] }),
    )
    t.equal(queue.VisibilityTimeout, String(EVENT_QUEUE.visibilityTimeoutSeconds))
    t.equal(queue.MessageRetentionPeriod, String(EVENT_QUEUE.retentionSeconds))
    t.same(JSON.parse(queue.RedrivePolicy ?? '{}'), { maxReceiveCount: EVENT_QUEUE.maxReceiveCount, deadLetterTargetArn: dlq.QueueArn })
    t.equal(dlq.MessageRetentionPeriod, String(EVENT_QUEUE.retentionSeconds))
  }
})

t.test('a consumer that is down loses nothing: its events wait in its queue and it gets each once when it is back', async (t) => {
  const bus = await startTestBus(t)
  const client = sdkClient(bus.url)
  const sqs = queueClient(bus)
  t.teardown(() => (client.destroy(), sqs.destroy()))
  const out = await client.send(new PutEventsCommand({ Entries: [entry(), entry(), entry({ DetailType: 'User Registered' })] }))
  await bus.idle()
  t.match(bus.stats(), { delivered: 3, retries: 0, deadLettered: 0 })
  t.same(await queueDepth(sqs, bus.queues['action-log-service'].queueUrl), { waiting: 3, inFlight: 0 }, 'waiting in its queue')

  const target = await startQueueConsumer(() => bus)
  t.teardown(() => target.close())
  await target.drained()
  t.same(target.received.map((r) => r.body.id).sort(), out.Entries?.map((e) => e.EventId).sort(), 'each event once, as put')
  t.same(await bus.deadLetters.list(), [])
})

t.test(`a message received and not deleted ${EVENT_QUEUE.maxReceiveCount} times moves to the dead-letter queue, intact`, async (t) => {
  const bus = await startTestBus(t)
  const client = sdkClient(bus.url)
  const sqs = queueClient(bus)
  t.teardown(() => (client.destroy(), sqs.destroy()))
  const { queueUrl, deadLetterQueueUrl } = bus.queues['action-log-service']
  const out = await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await bus.idle()
  const receive = (QueueUrl: string) =>
    sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }))
  let body: string | undefined
  for (let n = 1; n <= EVENT_QUEUE.maxReceiveCount; n++) {
    const { Messages = [] } = await receive(queueUrl)
    t.equal(Messages.length, 1)
    t.equal(Messages[0]?.Attributes?.ApproximateReceiveCount, String(n), `receive ${n}`)
    body = Messages[0]?.Body
    // A consumer that fails leaves the message; here its visibility ends at once instead of after 60 s
    // (a ChangeMessageVisibility, which must not count as a receive).
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle, VisibilityTimeout: 0 }),
    )
  }
  while ((await queueDepth(sqs, deadLetterQueueUrl)).waiting === 0) await sleep(10)
  t.same(await queueDepth(sqs, queueUrl), { waiting: 0, inFlight: 0 }, 'gone from the queue')
  const { Messages: dead = [] } = await receive(deadLetterQueueUrl)
  t.equal(dead.length, 1)
  t.equal(dead[0]?.Body, body)
  t.equal(JSON.parse(dead[0]?.Body ?? '{}').id, out.Entries?.[0]?.EventId)
  t.same(await bus.deadLetters.list(), [], "SQS's dead letter, not the bus's: the put succeeded")
})

/** Makes the action log's queue disappear, as a missing target would. */
async function deleteQueue(t: TapTest, bus: Awaited<ReturnType<typeof startTestBus>>) {
  const sqs = queueClient(bus)
  t.teardown(() => sqs.destroy())
  await sqs.send(new DeleteQueueCommand({ QueueUrl: bus.queues['action-log-service'].queueUrl }))
  return {
    recreate: () => sqs.send(new CreateQueueCommand({ QueueName: eventQueueName('action-log-service') })),
    again: () => sqs.send(new DeleteQueueCommand({ QueueUrl: bus.queues['action-log-service'].queueUrl })),
  }
}

t.test('a queue that does not exist is not retried: the event goes to the dead-letter file; replay puts it on the queue', async (t) => {
  const { bus, target } = await startBusAndConsumer(t, { retry: { ...FAST_RETRY, maxAttempts: 5 } })
  const queue = await deleteQueue(t, bus)
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  const out = await client.send(new PutEventsCommand({ Entries: [entry(), entry({ DetailType: 'User Registered' })] }))
  t.equal(out.FailedEntryCount, 0, 'PutEvents succeeds whatever the target does')
  await bus.idle()
  t.match(bus.stats(), { delivered: 0, retries: 0, deadLettered: 2 })
  const letters = await bus.deadLetters.list()
  t.equal(letters.length, 2)
  t.match(letters[0], {
    eventId: out.Entries?.[0]?.EventId,
    rule: 'gateway-to-action-log',
    target: 'action-log-service',
    attempts: 1,
    lastError: /^QueueDoesNotExist|NonExistentQueue/,
    source: 'f1.gateway',
    detailType: 'User Signed In',
  })
  t.ok(Date.parse(letters[0]?.deadLetteredAt ?? ''), 'with the time it was dead-lettered')
  const [first, second] = letters
  if (!first || !second) throw new Error('two dead letters expected')

  const failed = await bus.deadLetters.replay({ id: first.id })
  t.match(failed, { attempted: 1, delivered: [], failed: [{ id: first.id, error: /QueueDoesNotExist|NonExistentQueue/ }] })
  t.match(
    await bus.deadLetters.list(),
    [
      { id: first.id, attempts: 2 },
      { id: second.id, attempts: 1 },
    ],
    'kept, the attempt counted',
  )

  await queue.recreate()
  const byEvent = await bus.deadLetters.replay({ id: second.eventId })
  t.same(byEvent.delivered, [second.id], 'an event id selects its dead letters too')
  const report = await bus.deadLetters.replay({ all: true })
  t.same(report, { attempted: 1, delivered: [first.id], failed: [] })
  t.same(await bus.deadLetters.list(), [], 'removed from the file')
  await target.drained()
  t.same(
    target.received.map((r) => r.body.id).sort(),
    out.Entries?.map((e) => e.EventId).sort(),
    'the original events, same ids, once each',
  )
  t.same(await bus.deadLetters.replay({ all: true }), { attempted: 0, delivered: [], failed: [] }, 'a second replay finds nothing')
})

t.test('dead letters survive a restart: a new bus on the same directory lists them', async (t) => {
  const dir = t.testdir()
  const first = await startTestBus(t, { deadLetterDir: dir })
  await deleteQueue(t, first)
  const client = sdkClient(first.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry(), entry({ DetailType: 'User Registered' })] }))
  await first.idle()
  const before = await first.deadLetters.list()
  t.equal(before.length, 2)
  await first.close()

  const second = await startTestBus(t, { deadLetterDir: dir })
  t.same(await second.deadLetters.list(), before)
})

t.test('close: every accepted event is on its queue first, then the queues stop (and what they held is gone)', async (t) => {
  const bus = await startTestBus(t)
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry()) }))
  await bus.close()
  t.match(bus.stats(), { scheduled: 10, delivered: 10, deadLettered: 0 })
  const sqs = queueClient(bus)
  t.teardown(() => sqs.destroy())
  await t.rejects(queueDepth(sqs, bus.queues['action-log-service'].queueUrl), 'the SQS endpoint is gone with the bus')
  const again = await startTestBus(t, { port: bus.port, queuePort: bus.queuePort })
  t.same(await queueDepth(sqs, again.queues['action-log-service'].queueUrl), { waiting: 0, inFlight: 0 }, 'a new bus starts empty')
})

// The delivery engine alone, with puts that fail as a throttled or unreachable SQS would: the rule's
// retry policy (backoff, attempts, age), dead letters and the close.

const event = (n: number): BusEvent => ({
  version: '0',
  id: `event-${n}`,
  'detail-type': 'User Signed In',
  source: 'f1.gateway',
  account: '000000000000',
  time: '2025-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { n },
})
const delivery = (n: number): Delivery => ({ event: event(n), rule: 'r', target: 'action-log-service', queueUrl: 'http://127.0.0.1:1/0/q' })

function deliverer(t: TapTest, put: (attempt: number) => Promise<AttemptResult>, retry: Partial<RetryPolicy> = {}) {
  const deadLetters = openDeadLetterStore(t.testdir())
  let attempts = 0
  const engine = createDeliverer({
    put: () => put(++attempts),
    retry: { ...DEFAULT_RETRY, ...FAST_RETRY, ...retry },
    deadLetters,
    logger: silentLogger,
  })
  return { engine, deadLetters, attempts: () => attempts }
}
const throttled: AttemptResult = { ok: false, retryable: true, error: 'ThrottlingException: Rate exceeded' }

t.test('retryable put failures are retried and a later success puts the event once', async (t) => {
  const { engine, deadLetters, attempts } = deliverer(t, async (n) => (n < 4 ? throttled : { ok: true }), { maxAttempts: 5 })
  engine.deliver(delivery(1))
  await engine.idle()
  t.equal(attempts(), 4)
  t.match(engine.stats(), { delivered: 1, retries: 3, deadLettered: 0, inFlight: 0 })
  t.same(await deadLetters.list(), [])
})

t.test('after the last attempt the event is dead-lettered with its attempts and last error', async (t) => {
  const { engine, deadLetters } = deliverer(t, async () => ({ ok: false, retryable: true, error: 'ECONNREFUSED' }))
  engine.deliver(delivery(1))
  await engine.idle()
  t.match(engine.stats(), { delivered: 0, retries: 2, deadLettered: 1 })
  t.match(await deadLetters.list(), [{ eventId: 'event-1', attempts: FAST_RETRY.maxAttempts, lastError: 'ECONNREFUSED' }])
})

t.test('the maximum event age ends the retries even with attempts left', async (t) => {
  const { engine, deadLetters } = deliverer(t, async () => throttled, { maxAttempts: 100, baseDelayMs: 40, maxDelayMs: 40, maxAgeMs: 150 })
  engine.deliver(delivery(1))
  await engine.idle()
  const [letter] = await deadLetters.list()
  // How many attempts fit in 150 ms depends on the machine's load; that it stopped long before 100 does not.
  t.ok(letter && letter.attempts >= 1 && letter.attempts < 100, `gave up after ${letter?.attempts} of 100 attempts`)
  t.match(letter?.lastError, /maximum event age reached/)
})

t.test('backoff doubles per attempt, stays within half to all of the step, and is capped', async (t) => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 }
  t.equal(
    backoffMs(1, policy, () => 0),
    50,
  )
  t.equal(
    backoffMs(1, policy, () => 1),
    100,
  )
  t.equal(
    backoffMs(3, policy, () => 1),
    400,
  )
  t.equal(
    backoffMs(10, policy, () => 1),
    1_000,
    'capped at maxDelayMs',
  )
})

t.test('close dead-letters deliveries waiting for a retry, so a stopped bus loses nothing', async (t) => {
  const { engine, deadLetters } = deliverer(t, async () => throttled, {
    maxAttempts: 5,
    baseDelayMs: 60_000,
    maxDelayMs: 60_000,
    maxAgeMs: 600_000,
  })
  engine.deliver(delivery(1))
  while (engine.stats().retries === 0) await sleep(5)
  const start = Date.now()
  await engine.close(2_000)
  t.ok(Date.now() - start < 1_000, 'close does not wait out the backoff')
  t.match(
    await deadLetters.list(),
    [{ attempts: 1, lastError: 'ThrottlingException: Rate exceeded (the bus stopped before the next retry)' }],
    'with the error of the attempt made',
  )
})

t.test('close waits for an attempt under way, and aborts it into the dead letters after the grace period', async (t) => {
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  const patient = deliverer(t, () => gate.then(() => ({ ok: true }) as const))
  patient.engine.deliver(delivery(1))
  const closing = patient.engine.close(5_000)
  setTimeout(release, 50)
  await closing
  t.match(patient.engine.stats(), { delivered: 1, deadLettered: 0 }, 'the attempt under way finished')

  const deadLetters = openDeadLetterStore(t.testdir())
  const hung = createDeliverer({
    // As sendEvent does: an attempt ends when its signal aborts.
    put: (_delivery, signal) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () =>
          resolve({ ok: false, retryable: true, error: 'aborted: the bus stopped during the attempt' }),
        ),
      ),
    retry: { ...DEFAULT_RETRY, ...FAST_RETRY },
    deadLetters,
    logger: silentLogger,
  })
  hung.deliver(delivery(2))
  const start = Date.now()
  await hung.close(50)
  t.ok(Date.now() - start < 1_000, 'close gave up promptly')
  t.match(await deadLetters.list(), [{ eventId: 'event-2', lastError: /aborted/ }])
})
