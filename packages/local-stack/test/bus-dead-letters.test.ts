import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { appendFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { openDeadLetterStore, type DeadLetter } from '../src/bus/dead-letters.ts'
import type { BusEvent } from '../src/bus/put-events.ts'
import { entry, sdkClient, startTarget } from './bus-helper.ts'

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
    url: 'http://127.0.0.1:1/events',
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
    return { ok: true, status: 200 }
  })
  t.equal(report.delivered.length, 1)
  t.same(
    (await bus.list()).map((s) => s.eventId),
    ['event-2'],
  )
})

t.test('f1-local dlq list shows each dead letter and dlq replay delivers them and empties the file', async (t) => {
  const dir = t.testdir()
  const store = openDeadLetterStore(dir)
  const stored = await store.append(letter(7))
  const target = await startTarget()
  t.teardown(() => target.close())
  const env = { ...process.env, EVENT_BUS_DEAD_LETTER_DIR: dir, ACTION_LOG_SERVICE_URL: target.url, EVENT_BUS_SECRET: 'cli-secret' }

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
  t.match(replayed.stdout, '1 delivered and removed, 0 still failing')
  t.equal(target.received.length, 1)
  t.match(target.received[0], { path: '/events', headers: { 'x-bus-secret': 'cli-secret' }, body: { id: 'event-7' } })
  t.same(await store.list(), [], 'the file is empty')
})

t.test('f1-local bus runs in the foreground, takes PutEvents from the SDK and stops on SIGTERM', async (t) => {
  const target = await startTarget()
  t.teardown(() => target.close())
  const child = spawn(process.execPath, [CLI, 'bus', '--port', '0', '--dir', t.testdir()], {
    env: {
      ...process.env,
      ACTION_LOG_SERVICE_URL: target.url,
      MIGRATOR_URL: target.url,
      USAGE_SERVICE_URL: target.url,
      EVENT_BUS_NAME: 'f1-events-cli',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const found = /on (http:\/\/127\.0\.0\.1:\d+) /.exec(line)
      if (found?.[1]) resolve(found[1])
    })
    child.once('exit', (code) => reject(new Error(`bus exited with ${code}`)))
  })
  const client = sdkClient(url)
  t.teardown(() => client.destroy())
  const out = await client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: 'f1-events-cli' })] }))
  t.equal(out.FailedEntryCount, 0)
  await target.waitFor(2) // the default rules: the action log and the migrator
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  t.equal(await exit, 143, 'stopped on SIGTERM')
})
