import { EventEmitter, once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { freePort } from '../src/dynamodb.ts'
import { deathReason, Supervised, type SupervisedOptions } from '../src/cli/supervisor.ts'

const APP = join(import.meta.dirname, 'fixtures', 'supervised-app.mjs')

async function supervise(t: { teardown(fn: () => unknown): void }, options: Partial<SupervisedOptions> & { env?: NodeJS.ProcessEnv } = {}) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const lines: string[] = []
  const printed = new EventEmitter()
  const supervised = new Supervised({
    args: [APP],
    cwd: import.meta.dirname,
    env: { ...process.env, PORT: String(port), ...options.env },
    print: (line) => {
      lines.push(line)
      printed.emit('line', line)
    },
    ready: async (child) => {
      for (let i = 0; i < 100; i += 1) {
        if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`)
        if (await fetch(url).then((res) => res.ok).catch(() => false)) return
        await sleep(50)
      }
      throw new Error('not ready')
    },
    restartDelayMs: 50,
    ...options,
  })
  t.teardown(() => supervised.stop())
  /** Resolves with the first line matching `pattern` printed as line `from` or later (already or next). */
  const printedLine = async (pattern: RegExp, from = 0): Promise<string> => {
    for (;;) {
      // Lines printed in one tick arrive together: look at all of them after every wake-up.
      const seen = lines.slice(from).find((line) => pattern.test(line))
      if (seen) return seen
      await once(printed, 'line')
    }
  }
  const pid = async () => Number(await (await fetch(url)).text())
  return { supervised, url, lines, printedLine, pid }
}

t.test('an app that dies is restarted, and the notice names its exit code and its error', async (t) => {
  const app = await supervise(t)
  await app.supervised.start()
  const first = await app.pid()
  await fetch(`${app.url}/crash`).catch(() => undefined)
  t.equal(await app.printedLine(/^exited/), 'exited (code 3): Error: the fake app crashed on request')
  await app.printedLine(/^ready again$/)
  t.not(await app.pid(), first, 'a new process serves')
})

t.test('each death in a row doubles the wait before the restart', async (t) => {
  const app = await supervise(t)
  await app.supervised.start()
  for (const delay of ['0.05', '0.1', '0.2']) {
    const from = app.lines.length
    await fetch(`${app.url}/crash`).catch(() => undefined)
    t.ok(await app.printedLine(new RegExp(`^restarting in ${delay.replace('.', '\\.')} s`), from), `waited ${delay} s`)
    await app.printedLine(/^ready again$/, from)
  }
})

t.test('a changed source file in a watched folder restarts the app', async (t) => {
  const dir = t.testdir({ 'route.ts': 'export {}\n' })
  const app = await supervise(t, { watch: [dir] })
  await app.supervised.start()
  const first = await app.pid()
  writeFileSync(join(dir, 'route.ts'), 'export const changed = true\n')
  t.equal(await app.printedLine(/^restarting: /), 'restarting: route.ts changed')
  await app.printedLine(/^ready again$/)
  t.not(await app.pid(), first)
})

t.test('an app that fails at start rejects the start with its error, and nothing is restarted', async (t) => {
  const app = await supervise(t, { env: { FAIL_AT_START: '1' } })
  await t.rejects(app.supervised.start(), /before it was ready: Error: the fake app cannot read its config/)
  await sleep(200)
  t.notOk(app.lines.some((line) => line.startsWith('restarting')), 'no restart of an app that never served')
})

t.test('after stop the app is gone and a death or a change restarts nothing', async (t) => {
  const dir = t.testdir({ 'route.ts': 'export {}\n' })
  const app = await supervise(t, { watch: [dir] })
  await app.supervised.start()
  const pid = await app.pid()
  await app.supervised.stop()
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the process exited')
  writeFileSync(join(dir, 'route.ts'), 'export const changed = true\n')
  await sleep(400)
  t.notOk(app.lines.some((line) => line.startsWith('restarting')))
})

t.test('the reason of a death is its last error line, else its last line on stderr', async (t) => {
  t.equal(deathReason(['TypeError: x is not a function', '    at main (server.ts:3:1)', '']), 'TypeError: x is not a function')
  t.equal(deathReason(['listening', 'out of memory']), 'out of memory')
  t.equal(deathReason([]), undefined)
})
