import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import t from 'tap'

const fixture = join(import.meta.dirname, 'fixtures', 'slow-service.ts')

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d))
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (match?.[1]) resolve(match[1])
    })
    child.once('exit', () => reject(new Error(`exited early: ${stderr}`)))
  })
  listening.catch(() => {})
  return { child, listening, output: () => ({ stdout, stderr }) }
}

t.test('SIGTERM lets the in-flight request finish, refuses new ones, closes clients and exits 0', async (t) => {
  const service = start({ SLOW_PORT: '0' })
  const url = await service.listening
  const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }))
  await new Promise((resolve) => setTimeout(resolve, 150))
  service.child.kill('SIGTERM')
  const [code] = await once(service.child, 'exit')
  t.same(await inFlight, { status: 200, body: { finished: true } })
  t.equal(code, 0)
  t.match(service.output().stdout, /clients closed/)
  await t.rejects(fetch(`${url}/health`), 'nothing listens any more')
})

t.test('a bad variable stops the process with exit code 1 and names the variable', async (t) => {
  const service = start({ SLOW_PORT: 'not-a-port' })
  const [code] = await once(service.child, 'exit')
  t.equal(code, 1)
  t.match(service.output().stderr, /slow: Invalid configuration:\n\s+- SLOW_PORT: .*"not-a-port"/)
})
