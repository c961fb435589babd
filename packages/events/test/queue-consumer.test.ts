import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import Fastify from 'fastify'
import { createServiceApp } from '@f1/service-kit'
import { currentDeadline } from '@f1/service-kit/deadline'
import type { EventDetail } from '@f1/contracts/events'
import consumer, { type EventHandler } from '../src/consumer.ts'
import { handleEnvelope } from '../src/envelope.ts'
import { createQueueConsumer, DEAD_LETTER_ATTRIBUTES, HANDLER_BUDGET_MS, retryDelaySeconds } from '../src/queue-consumer.ts'
import { envelope, signedIn, sqsServer, until, type TestQueues } from '../src/sqs-testing.ts'

const quiet = Fastify({ logger: false }).log

/** An app reading `url` with one UserSignedIn handler. */
async function consumerApp(
  t: { teardown(fn: () => unknown): void },
  queues: TestQueues,
  url: { url: string; dlqUrl: string },
  handler: EventHandler<'UserSignedIn'>,
  options: { secret?: string } = {},
) {
  const app = createServiceApp({ name: 'queue-test', config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 1_048_576 }, logger: false })
  await app.register(consumer, {
    ...(options.secret ? { secret: options.secret } : {}),
    queue: {
      url: url.url,
      deadLetterUrl: url.dlqUrl,
      region: 'us-east-1',
      endpoint: queues.endpoint,
      concurrency: 4,
        stopGraceMs: 5_000,
    },
    handlers: { UserSignedIn: handler },
  })
  await app.ready()
  t.teardown(() => app.close())
  return app
}

t.test('an event on the queue is handled once, within a deadline, and deleted', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue()
  const seen: Array<{ detail: EventDetail<'UserSignedIn'>; budgetMs: number | undefined }> = []
  const app = await consumerApp(t, queues, q, async (detail) => {
    const deadline = currentDeadline()
    seen.push({ detail, budgetMs: deadline === undefined ? undefined : deadline - Date.now() })
  })
  await queues.send(q.url, envelope('User Signed In', signedIn()))
  t.ok(await until(async () => (await queues.depth(q.url)) === 0 && seen.length === 1), 'handled and gone from the queue')
  t.same(seen[0]!.detail, signedIn())
  const budget = seen[0]!.budgetMs ?? 0
  t.ok(budget > HANDLER_BUDGET_MS - 2_000 && budget <= HANDLER_BUDGET_MS, `the handler runs under the handler budget (${budget} ms left)`)
  t.match(app.eventQueue?.stats(), { received: 1, processed: 1, retried: 0, deadLettered: 0 })
  t.equal(await queues.depth(q.dlqUrl), 0, 'nothing dead-lettered')
})

t.test('without the bus secret the app has no POST /events: its events come only from the queue', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue()
  const app = await consumerApp(t, queues, q, async () => {})
  const res = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'x-bus-secret': 'anything-at-all-123' },
    payload: envelope('User Signed In', signedIn()),
  })
  t.equal(res.statusCode, 404)
})

t.test('a handler that fails leaves the event on the queue, received again after a delay growing with its receives', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue()
  const calls: number[] = []
  const routing = {
    handlers: {
      UserSignedIn: async () => {
        calls.push(Date.now())
        if (calls.length <= 2) throw new Error('table unavailable')
      },
    },
  }
  const reader = createQueueConsumer({
    sqs: queues.sqs,
    queueUrl: q.url,
    deadLetterQueueUrl: q.dlqUrl,
    handle: (env, log) => handleEnvelope(routing, env, log),
    log: quiet,
    concurrency: 2,
    waitTimeSeconds: 1,
    random: () => 0, // the shortest delays: 1 s after the first receive, 2 s after the second
  })
  t.teardown(() => reader.stop(1_000))
  reader.start()
  await queues.send(q.url, envelope('User Signed In', signedIn()))
  t.ok(await until(() => reader.stats().retried === 1, 5_000), 'the failure is put back with a delay')
  t.equal(await queues.depth(q.url), 1, 'the event is still on the queue meanwhile')
  t.ok(await until(async () => reader.stats().processed === 1 && (await queues.depth(q.url)) === 0, 10_000), 'handled on the third receive')
  t.equal(calls.length, 3)
  const [first, second] = [calls[1]! - calls[0]!, calls[2]! - calls[1]!]
  t.ok(first >= 900 && second >= 1_900, `waited ${first} ms, then ${second} ms`)
})

t.test('an event that breaks its contract goes to the dead-letter queue at once, with the reason', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue()
  let calls = 0
  const app = await consumerApp(t, queues, q, async () => void calls++)
  const broken = envelope('User Signed In', { ...signedIn(), user_id: 42 })
  await queues.send(q.url, broken)
  await queues.send(q.url, 'not json at all')
  await queues.send(q.url, envelope('User Signed In', signedIn(), 'f1.usage-service'))
  t.ok(await until(() => app.eventQueue?.stats().deadLettered === 3), 'all three dead-lettered')
  t.ok(await until(async () => (await queues.depth(q.url)) === 0), 'and gone from the queue')
  t.equal(calls, 0, 'the handler never ran')
  const dead = await queues.take(q.dlqUrl)
  t.equal(dead.length, 3)
  const byBody = new Map(dead.map((d) => [d.body, d.attributes]))
  t.match(byBody.get(JSON.stringify(broken))?.[DEAD_LETTER_ATTRIBUTES.error], /user_id/, 'the reason names the bad field')
  t.match(byBody.get('not json at all')?.[DEAD_LETTER_ATTRIBUTES.error], /not JSON/)
  t.ok(
    dead.every((d) => d.attributes[DEAD_LETTER_ATTRIBUTES.sourceQueue] === q.url),
    'each names the queue it came from',
  )
})

t.test('an event failing on every receive ends in the dead-letter queue by the redrive policy', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue({ maxReceiveCount: 2 })
  const reader = createQueueConsumer({
    sqs: queues.sqs,
    queueUrl: q.url,
    deadLetterQueueUrl: q.dlqUrl,
    handle: async () => {
      throw new Error('always down')
    },
    log: quiet,
    concurrency: 1,
    waitTimeSeconds: 1,
    random: () => 0,
  })
  t.teardown(() => reader.stop(1_000))
  reader.start()
  await queues.send(q.url, envelope('User Signed In', signedIn()))
  t.ok(await until(async () => (await queues.depth(q.dlqUrl)) === 1, 15_000), 'moved to the dead-letter queue')
  t.equal(await queues.depth(q.url), 0)
  // AWS receives it maxReceiveCount times before moving it; local-aws-sqs moves it on the last of them.
  t.match(reader.stats(), { processed: 0, deadLettered: 0 }, 'failed on every receive, never deleted: SQS moved it')
  t.ok(reader.stats().retried >= 1)
})

t.test('stopping finishes the events being handled and receives no more', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue()
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const handled: string[] = []
  const app = await consumerApp(t, queues, q, async (detail) => {
    await gate
    handled.push(detail.event_id)
  })
  await queues.send(q.url, envelope('User Signed In', signedIn('01JD00000000000000000000A1')))
  t.ok(await until(() => app.eventQueue?.stats().inFlight === 1), 'one event under way')
  const closing = app.close()
  setTimeout(release, 200)
  await closing
  t.same(handled, ['01JD00000000000000000000A1'], 'the event under way was finished')
  t.equal(await queues.depth(q.url), 0, 'and deleted')
  await queues.send(q.url, envelope('User Signed In', signedIn('01JD00000000000000000000A2')))
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(await queues.depth(q.url), 1, 'an event sent after the stop waits on the queue')
})

t.test('an unreachable queue is retried with backoff, never fatal, and the stop is prompt', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue()
  const reader = createQueueConsumer({
    sqs: queues.sqs,
    queueUrl: q.url.replace(/\/[^/]+$/, '/no-such-queue'),
    handle: async () => 'processed',
    log: quiet,
    concurrency: 1,
    waitTimeSeconds: 1,
  })
  reader.start()
  t.ok(await until(() => reader.stats().receiveErrors >= 2, 5_000), 'receive failures counted and retried')
  const started = Date.now()
  await reader.stop(1_000)
  t.ok(Date.now() - started < 1_000, 'stop does not wait out the backoff')
})

t.test('the retry delay doubles from 2 s with jitter and is capped', async (t) => {
  t.equal(
    retryDelaySeconds(1, () => 1),
    2,
  )
  t.equal(
    retryDelaySeconds(3, () => 1),
    8,
  )
  t.equal(
    retryDelaySeconds(3, () => 0),
    4,
    'at least half the doubled delay',
  )
  t.equal(
    retryDelaySeconds(30, () => 1),
    600,
    'capped',
  )
})

t.test('a consumer killed mid-event loses nothing: the event comes back after the visibility timeout', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue({ visibilityTimeoutSeconds: 2 })
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./fixtures/hanging-consumer.ts', import.meta.url)), queues.endpoint, q.url],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  t.teardown(() => child.kill('SIGKILL'))
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  await queues.send(q.url, envelope('User Signed In', signedIn()))
  t.ok(await until(() => out.includes('handling'), 20_000), 'the first consumer took the event')
  child.kill('SIGKILL')
  await once(child, 'exit')

  const handled: string[] = []
  const reader = createQueueConsumer({
    sqs: queues.sqs,
    queueUrl: q.url,
    handle: (env, log) => handleEnvelope({ handlers: { UserSignedIn: async (detail) => void handled.push(detail.event_id) } }, env, log),
    log: quiet,
    concurrency: 1,
    waitTimeSeconds: 1,
  })
  t.teardown(() => reader.stop(1_000))
  reader.start()
  t.ok(await until(() => handled.length === 1, 10_000), 'a second consumer handles it once it is visible again')
  t.same(handled, [signedIn().event_id])
  t.ok(await until(async () => (await queues.depth(q.url)) === 0), 'and it is gone from the queue')
})
