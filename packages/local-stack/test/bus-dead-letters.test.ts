import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { appendFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import { EVENT_QUEUE } from '@f1/events/rules'
import { openDeadLetterStore, type DeadLetter } from '../src/bus/dead-letters.ts'
import type { BusEvent } from '../src/bus/put-events.ts'
import { localSqsClient } from '../src/bus/queues.ts'
import { entry, queueClient, queueDepth, sdkClient, startBusAndConsumer, startQueueConsumer, startTestBus } from './bus-helper.ts'

const CLI = join(import.meta.dirname, '..', 'bin', 'f1-local.mjs')
const run = promisify(execFile)

function event(n: number): BusEvent {
  return {
    version: '0',
    id: `event-${n}`,
    'detail-type': 'User Signed In',
    source: 'f1.gateway',
    account: '000000000000',
    time: '2025-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { user_id: `u-${n}` },
  }
}

function letter(n: number): Omit<DeadLetter, 'id'> {
  return {
    eventId: `event-${n}`,
    rule: 'all-events-to-action-log',
    target: 'action-log-service',
    queueUrl: 'http://127.0.0.1:4011/000000000000/action-log-service-events',
    attempts: 5,
    lastError: 'ECONNREFUSED',
    firstAttemptAt: '2025-01-01T00:00:00.000Z',
    deadLetteredAt: '2025-01-01T00:01:00.000Z',
    event: event(n),
  }
}

t.test('a line torn by a crash is never listed, and the next append starts on a line of its own', async (t) => {
  const dir = t.testdir()
  const store = openDeadLetterStore(dir)
  await store.append(letter(1))
  await appendFile(store.file, '{"id":"torn","eventId":"ev') // the process died mid-write
  await store.append(letter(2))
  t.same(
    (await store.list()).map((s) => s.eventId),
    ['event-1', 'event-2'],
  )
  const lines = (await readFile(store.file, 'utf8')).split('\n')
  t.equal(lines[1], '{"id":"torn","eventId":"ev', 'the torn bytes are kept, not silently rewritten')
})

t.test('listing streams the file and stops at the limit, so a large dead-letter file cannot fill memory', async (t) => {
  const store = openDeadLetterStore(t.testdir())
  const lines = Array.from({ length: 3_000 }, (_, n) => JSON.stringify({ id: `id-${n}`, ...letter(n) })).join('\n')
  await appendFile(store.file, `${lines}\n`)
  const first = await store.list({ limit: 10 })
  t.equal(first.length, 10)
  t.equal(first[0]?.id, 'id-0', 'oldest first')
  let count = 0
  for await (const record of store.entries()) if (record.id) count++
  t.equal(count, 3_000, 'entries() streams every record')
})

t.test('an append made while a replay is delivering survives the rewrite that removes the delivered ones', async (t) => {
  const dir = t.testdir()
  const bus = openDeadLetterStore(dir)
  const cli = openDeadLetterStore(dir) // a second writer, as `f1-local dlq replay` next to a running bus
  await bus.append(letter(1))
  const report = await cli.replay({ all: true }, async () => {
    await bus.append(letter(2))
    return { ok: true }
  })
  t.equal(report.delivered.length, 1)
  t.same(
    (await bus.list()).map((s) => s.eventId),
    ['event-2'],
  )
})

t.test("f1-local dlq list shows each dead letter and dlq replay puts them on the running bus's queues and empties the file", async (t) => {
  const dir = t.testdir()
  const store = openDeadLetterStore(dir)
  const stored = await store.append(letter(7))
  // t.testdir() would empty `dir`: the bus's own dead letters go beside it.
  const { bus, target } = await startBusAndConsumer(t, { deadLetterDir: join(dir, 'bus') })
  const env = { ...process.env, EVENT_BUS_DEAD_LETTER_DIR: dir, SQS_ENDPOINT: bus.sqsEndpoint }

  const [listed, json, usage] = await Promise.all([
    run(process.execPath, [CLI, 'dlq', 'list'], { env }),
    run(process.execPath, [CLI, 'dlq', 'list', '--json'], { env }),
    run(process.execPath, [CLI, 'dlq', 'replay'], { env }).catch((err: { code: number; stderr: string }) => err),
  ])
  t.match(listed.stdout, stored.id)
  t.match(listed.stdout, 'all-events-to-action-log -> action-log-service')
  t.match(listed.stdout, 'attempts=5')
  t.match(listed.stdout, 'last error: ECONNREFUSED')
  t.match(listed.stdout, '2025-01-01T00:01:00.000Z')
  t.match(JSON.parse(json.stdout.trim()), { id: stored.id, eventId: 'event-7', attempts: 5 })
  t.match(usage, { code: 2, stderr: /--id ID \| --all/ }, 'replay needs --id or --all')

  const replayed = await run(process.execPath, [CLI, 'dlq', 'replay', '--all'], { env })
  t.match(replayed.stdout, '1 put on their queue and removed, 0 still failing')
  await target.drained()
  t.equal(target.received.length, 1)
  t.same(target.received[0]?.body, event(7), 'the event as it was dead-lettered')
  t.same(await store.list(), [], 'the file is empty')
})

t.test('f1-local dlq replay with no bus running keeps the dead letters and says why', async (t) => {
  const dir = t.testdir()
  const store = openDeadLetterStore(dir)
  await store.append(letter(8))
  const env = { ...process.env, EVENT_BUS_DEAD_LETTER_DIR: dir, SQS_ENDPOINT: 'http://127.0.0.1:1' }
  const failed = await run(process.execPath, [CLI, 'dlq', 'replay', '--all'], { env }).catch((err: { code: number; stdout: string }) => err)
  t.match(failed, { code: 1, stdout: /failed +\S+ +ECONNREFUSED[\s\S]*0 put on their queue and removed, 1 still failing/ })
  t.match(await store.list(), [{ eventId: 'event-8', attempts: 6 }])
})

t.test("f1-local bus queues, peek and redrive show and move back the events in a consumer's dead-letter queue", async (t) => {
  const bus = await startTestBus(t)
  const sqs = queueClient(bus)
  t.teardown(() => sqs.destroy())
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  const { queueUrl, deadLetterQueueUrl } = bus.queues['action-log-service']
  const out = await client.send(new PutEventsCommand({ Entries: [entry(), entry()] }))
  await bus.idle()
  // One event fails maxReceiveCount times and SQS moves it; a consumer moves another itself, with why.
  for (let n = 0; n < EVENT_QUEUE.maxReceiveCount; n++) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }))
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle, VisibilityTimeout: 0 }),
    )
  }
  while ((await queueDepth(sqs, deadLetterQueueUrl)).waiting === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: deadLetterQueueUrl,
      MessageBody: JSON.stringify(event(9)),
      MessageAttributes: { 'f1-error': { DataType: 'String', StringValue: 'INVALID_EVENT: /occurred_at must be an instant' } },
    }),
  )
  const env = { ...process.env, SQS_ENDPOINT: bus.sqsEndpoint }

  const queues = await run(process.execPath, [CLI, 'bus', 'queues'], { env })
  t.match(queues.stdout, /^action-log-service +1 waiting, 0 being handled; 2 in its dead-letter queue$/m)
  t.match(queues.stdout, /^migrator +0 waiting, 0 being handled; 0 in its dead-letter queue$/m)
  t.match(queues.stdout, deadLetterQueueUrl)

  const peek = await run(process.execPath, [CLI, 'bus', 'peek', 'action-log-service'], { env })
  const ids = [...peek.stdout.matchAll(/^(\S+) {2}f1\.gateway \/ User Signed In/gm)].map((m) => m[1])
  t.equal(ids.length, 2)
  t.ok(
    out.Entries?.some((e) => e.EventId === ids[0] || e.EventId === ids[1]),
    'the dead-lettered event, by id',
  )
  t.ok(ids.includes('event-9'))
  t.match(peek.stdout, '    error: INVALID_EVENT: /occurred_at must be an instant')
  t.match(peek.stdout, /2 event\(s\) in action-log-service-events-dlq/)
  t.same(await queueDepth(sqs, deadLetterQueueUrl), { waiting: 2, inFlight: 0 }, 'peeking leaves them there')

  const unknown = await run(process.execPath, [CLI, 'bus', 'peek', 'nobody'], { env }).catch((err: { code: number; stderr: string }) => err)
  t.match(unknown, { code: 2, stderr: /Unknown consumer 'nobody'/ })

  const redrive = await run(process.execPath, [CLI, 'bus', 'redrive', 'action-log-service'], { env })
  t.match(redrive.stdout, 'action-log-service: 2 event(s) moved from action-log-service-events-dlq back to action-log-service-events')
  t.same(await queueDepth(sqs, deadLetterQueueUrl), { waiting: 0, inFlight: 0 })
  const target = await startQueueConsumer(() => bus)
  t.teardown(() => target.close())
  await target.drained()
  t.same(
    target.received.map((r) => r.body.id).sort(),
    [...(out.Entries ?? []).map((e) => e.EventId), 'event-9'].sort(),
    'every event handled from its queue',
  )
  const again = await run(process.execPath, [CLI, 'bus', 'redrive', '--all'], { env })
  t.match(again.stdout, /^migrator: its dead-letter queue is empty$/m)
})

t.test('f1-local bus queues with no bus running says so', async (t) => {
  const failed = await run(process.execPath, [CLI, 'bus', 'queues', '--endpoint', 'http://127.0.0.1:1'], { env: process.env }).catch(
    (err: { code: number; stderr: string }) => err,
  )
  t.match(failed, { code: 1, stderr: /No local SQS answers at http:\/\/127\.0\.0\.1:1: is `f1-local dev` or `f1-local bus` running\?/ })
})

t.test('f1-local bus runs in the foreground, takes PutEvents from the SDK, serves the queues and stops on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [CLI, 'bus', '--port', '0', '--queue-port', '0', '--dir', t.testdir()], {
    env: { ...process.env, EVENT_BUS_NAME: 'f1-events-cli' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const [url, sqsEndpoint] = await new Promise<[string, string]>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const found = /on (http:\/\/127\.0\.0\.1:\d+) .+queues on (http:\/\/127\.0\.0\.1:\d+) /.exec(line)
      if (found?.[1] && found[2]) resolve([found[1], found[2]])
    })
    child.once('exit', (code) => reject(new Error(`bus exited with ${code}`)))
  })
  const client = sdkClient(url)
  const sqs = localSqsClient(sqsEndpoint, 'us-east-1')
  t.teardown(() => (client.destroy(), sqs.destroy()))
  const out = await client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: 'f1-events-cli' })] }))
  t.equal(out.FailedEntryCount, 0)
  // The default rules: the action log and the migrator.
  for (const queue of ['action-log-service-events', 'migrator-events']) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: `${sqsEndpoint}/000000000000/${queue}`, WaitTimeSeconds: 5 }),
    )
    t.equal(JSON.parse(Messages[0]?.Body ?? '{}').id, out.Entries?.[0]?.EventId, `on ${queue}`)
  }
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  t.equal(await exit, 143, 'stopped on SIGTERM')
})
