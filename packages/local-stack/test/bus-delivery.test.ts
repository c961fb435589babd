import t from 'tap'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { backoffMs, DEFAULT_RETRY } from '../src/bus/delivery.ts'
import { startLocalBus } from '../src/bus/server.ts'
import { freePort } from '../src/dynamodb.ts'
import { BUS, entry, FAST_RETRY, GATEWAY_RULES, sdkClient, SECRET, startTarget, startTestBus } from './bus-helper.ts'

t.test('a consumer that is down is retried, then the event is dead-lettered with its attempts and last error', async (t) => {
  const down = `http://127.0.0.1:${await freePort()}`
  const bus = await startTestBus(t, { targetBase: down })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  const out = await client.send(new PutEventsCommand({ Entries: [entry()] }))
  t.equal(out.FailedEntryCount, 0, 'PutEvents succeeds whatever the consumer does')
  await bus.idle()
  t.match(bus.stats(), { delivered: 0, retries: 2, deadLettered: 1 })
  const [letter, ...others] = await bus.deadLetters.list()
  t.equal(others.length, 0)
  t.match(letter, {
    eventId: out.Entries?.[0]?.EventId,
    rule: 'gateway-to-action-log',
    target: 'action-log-service',
    attempts: FAST_RETRY.maxAttempts,
    lastError: 'ECONNREFUSED',
    source: 'f1.gateway',
    detailType: 'User Signed In',
  })
  t.ok(Date.parse(letter?.deadLetteredAt ?? ''), 'with the time it was dead-lettered')
})

t.test('5xx, 429 and 408 answers are retried and a later 2xx delivers the event once', async (t) => {
  const target = await startTarget({ answer: (_req, i) => [503, 429, 408][i] ?? 204 })
  t.teardown(() => target.close())
  const bus = await startTestBus(t, { targetBase: target.url, retry: { ...FAST_RETRY, maxAttempts: 5 } })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await bus.idle()
  t.equal(target.received.length, 4)
  t.equal(new Set(target.received.map((r) => r.body.id)).size, 1, 'the same event each time')
  t.match(bus.stats(), { delivered: 1, retries: 3, deadLettered: 0 })
  t.same(await bus.deadLetters.list(), [])
})

t.test('a target answering 400 is not retried: the event goes straight to the dead letters', async (t) => {
  const target = await startTarget({ answer: () => 400 })
  t.teardown(() => target.close())
  const bus = await startTestBus(t, { targetBase: target.url })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await bus.idle()
  t.equal(target.received.length, 1)
  t.match(await bus.deadLetters.list(), [{ attempts: 1, lastError: /^HTTP 400/ }])
  t.equal(bus.stats().retries, 0)
})

t.test('the maximum event age ends the retries even with attempts left', async (t) => {
  const target = await startTarget({ answer: () => 500 })
  t.teardown(() => target.close())
  const bus = await startTestBus(t, {
    targetBase: target.url,
    retry: { maxAttempts: 100, baseDelayMs: 40, maxDelayMs: 40, maxAgeMs: 150, requestTimeoutMs: 1_000 },
  })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await bus.idle()
  const [letter] = await bus.deadLetters.list()
  // How many attempts fit in 150 ms depends on the machine's load; that it stopped long before 100 does not.
  t.ok(letter && letter.attempts >= 1 && letter.attempts < 100, `gave up after ${letter?.attempts} of 100 attempts`)
  t.match(letter?.lastError, /maximum event age reached/)
})

t.test('a Retry-After answer makes the next attempt wait at least that long', async (t) => {
  const target = await startTarget({ answer: (_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '0.3' } } : 200) })
  t.teardown(() => target.close())
  const bus = await startTestBus(t, { targetBase: target.url, retry: { ...FAST_RETRY, maxDelayMs: 1_000 } })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  const start = Date.now()
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await bus.idle()
  t.equal(target.received.length, 2)
  t.ok(Date.now() - start >= 300, 'waited for Retry-After')
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
  t.equal(
    backoffMs(1, policy, () => 0, 700),
    700,
    'Retry-After wins when longer',
  )
})

t.test('dead letters survive a restart: a new bus on the same directory lists them', async (t) => {
  const dir = t.testdir()
  const down = `http://127.0.0.1:${await freePort()}`
  const first = await startTestBus(t, { targetBase: down, deadLetterDir: dir })
  const client = sdkClient(first.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry(), entry({ DetailType: 'User Registered' })] }))
  await first.idle()
  const before = await first.deadLetters.list()
  t.equal(before.length, 2)
  await first.close()

  const second = await startTestBus(t, { targetBase: down, deadLetterDir: dir })
  t.same(await second.deadLetters.list(), before)
})

t.test('replay after the consumer is back delivers each dead letter once and removes it', async (t) => {
  const port = await freePort()
  const bus = await startTestBus(t, { targetBase: `http://127.0.0.1:${port}` })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  const out = await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await bus.idle()
  t.equal((await bus.deadLetters.list()).length, 1)

  const target = await startTarget({ port })
  t.teardown(() => target.close())
  const report = await bus.deadLetters.replay({ all: true })
  t.equal(report.attempted, 1)
  t.equal(report.delivered.length, 1)
  t.same(report.failed, [])
  t.equal(target.received.length, 1, 'delivered once')
  t.equal(target.received[0]?.body.id, out.Entries?.[0]?.EventId, 'the original event, same id')
  t.equal(target.received[0]?.headers['x-bus-secret'], SECRET)
  t.same(await bus.deadLetters.list(), [], 'removed from the store')
  t.same(await bus.deadLetters.replay({ all: true }), { attempted: 0, delivered: [], failed: [] }, 'a second replay finds nothing')
  t.equal(target.received.length, 1)
})

t.test('replay by id re-delivers only that dead letter; one that fails again is kept with the attempt counted', async (t) => {
  const port = await freePort()
  const bus = await startTestBus(t, { targetBase: `http://127.0.0.1:${port}` })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry(), entry()] }))
  await bus.idle()
  const [a, b] = await bus.deadLetters.list()
  if (!a || !b) throw new Error('two dead letters expected')

  const failed = await bus.deadLetters.replay({ id: a.id })
  t.match(failed, { attempted: 1, delivered: [], failed: [{ id: a.id, error: 'ECONNREFUSED' }] })
  t.match(await bus.deadLetters.list(), [
    { id: a.id, attempts: a.attempts + 1 },
    { id: b.id, attempts: b.attempts },
  ])

  const target = await startTarget({ port })
  t.teardown(() => target.close())
  const report = await bus.deadLetters.replay({ id: b.eventId })
  t.same(report.delivered, [b.id], 'an event id selects its dead letters too')
  t.equal(target.received.length, 1)
  t.match(await bus.deadLetters.list(), [{ id: a.id }])
})

t.test('close dead-letters deliveries waiting for a retry, so a stopped bus loses nothing', async (t) => {
  const dir = t.testdir()
  const bus = await startLocalBus({
    port: 0,
    busName: BUS,
    secret: SECRET,
    rules: GATEWAY_RULES,
    deadLetterDir: dir,
    targetUrl: () => 'http://127.0.0.1:1/events',
    retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, maxAgeMs: 600_000, requestTimeoutMs: 1_000 },
    env: {},
  })
  const client = sdkClient(bus.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  while (bus.stats().retries === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  const start = Date.now()
  await bus.close()
  t.ok(Date.now() - start < 1_000, 'close does not wait out the backoff')
  const again = await startTestBus(t, { targetBase: 'http://127.0.0.1:1', deadLetterDir: dir })
  t.match(
    await again.deadLetters.list(),
    [{ attempts: 1, lastError: /^.+ \(the bus stopped before the next retry\)$/ }],
    'with the error of the attempt made',
  )
})

t.test('close waits for an attempt under way, and aborts it into the dead letters after the grace period', async (t) => {
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  const slow = await startTarget({ answer: () => gate.then(() => 200) })
  t.teardown(() => slow.close())

  const patient = await startTestBus(t, { targetBase: slow.url })
  const client = sdkClient(patient.url)
  t.teardown(() => client.destroy())
  await client.send(new PutEventsCommand({ Entries: [entry()] }))
  await slow.waitFor(1)
  const closing = patient.close({ graceMs: 5_000 })
  setTimeout(release, 50)
  await closing
  t.match(patient.stats(), { delivered: 1, deadLettered: 0 }, 'the attempt under way finished')

  const hung = await startTarget({ answer: () => new Promise<number>(() => {}) })
  t.teardown(() => hung.close())
  const impatient = await startTestBus(t, { targetBase: hung.url })
  const client2 = sdkClient(impatient.url)
  t.teardown(() => client2.destroy())
  await client2.send(new PutEventsCommand({ Entries: [entry()] }))
  await hung.waitFor(1)
  const start = Date.now()
  await impatient.close({ graceMs: 50 })
  t.ok(Date.now() - start < 1_000, 'close gave up promptly')
  t.match(await impatient.deadLetters.list(), [{ lastError: /aborted|stopped/ }])
})
