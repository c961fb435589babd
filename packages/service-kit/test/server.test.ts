import { once } from 'node:events'
import { join } from 'node:path'
import t from 'tap'
import { spawnTsx } from '@f1/service-kit/testing'

const fixture = join(import.meta.dirname, 'fixtures', 'slow-service.ts')

function start(env: Record<string, string>) {
  const { child, output } = spawnTsx(fixture, [], { env })
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
  const printed = (pattern: RegExp) => {
    const seen = new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output().stdout)
        if (match) resolve(match)
      }
      check()
      child.stdout.on('data', check)
      child.once('exit', () => reject(new Error(`exited before printing ${pattern}: ${output().stderr}`)))
    })
    seen.catch(() => {})
    return seen
  }
  const listening = printed(/listening at (http:\/\/127\.0\.0\.1:\d+)/).then((match) => match[1] as string)
  listening.catch(() => {})
  return { child, listening, printed, output }
}

t.test('SIGTERM lets the in-flight request finish, refuses new ones, closes clients and exits 0', async (t) => {
  const service = start({ SLOW_PORT: '0' })
  const url = await service.listening
  const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }))
  await service.printed(/slow request started/)
  service.child.kill('SIGTERM')
  const [code] = await once(service.child, 'exit')
  t.same(await inFlight, { status: 200, body: { finished: true } })
  t.equal(code, 0)
  t.match(service.output().stdout, /clients closed/)
  await t.rejects(fetch(`${url}/health`), 'nothing listens any more')
})

t.test('an uncaught exception lets the in-flight request finish, closes clients, logs the error and exits 1', async (t) => {
  const service = start({ SLOW_PORT: '0' })
  const url = await service.listening
  const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }))
  await service.printed(/slow request started/)
  t.equal((await fetch(`${url}/crash`)).status, 200)
  const [code] = await once(service.child, 'exit')
  t.same(await inFlight, { status: 200, body: { finished: true } })
  t.equal(code, 1)
  t.match(service.output().stdout, /"level":60.*boom outside any handler.*uncaught error: shutting down/)
  t.match(service.output().stdout, /clients closed/)
  await t.rejects(fetch(`${url}/health`), 'nothing listens any more')
})

t.test('a close that outlasts SHUTDOWN_TIMEOUT_MS logs the timeout and exits 1', async (t) => {
  const service = start({ SLOW_PORT: '0', SHUTDOWN_TIMEOUT_MS: '100' })
  const url = await service.listening
  fetch(`${url}/slow`).catch(() => {})
  await service.printed(/slow request started/)
  service.child.kill('SIGTERM')
  const [code] = await once(service.child, 'exit')
  t.equal(code, 1)
  t.match(service.output().stdout, /"timeout_ms":100.*shutdown timed out/)
  t.notMatch(service.output().stdout, /clients closed/, 'the slow request still held the close')
})

t.test('a bad variable stops the process with exit code 1 and names the variable', async (t) => {
  const service = start({ SLOW_PORT: 'not-a-port' })
  const [code] = await once(service.child, 'exit')
  t.equal(code, 1)
  t.match(service.output().stderr, /slow: Invalid configuration:\n\s+- SLOW_PORT: .*"not-a-port"/)
})
