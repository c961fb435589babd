// The commands the READMEs document work as written: each one of their shell blocks is run (a
// server until it says it is ready) or skipped for a reason in readme-commands/catalog.ts.
// Everything they write goes to a temporary folder and to tables of this run's own.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { tableNamesToEnv } from '@f1/tables'
import { useTestTables } from '@f1/tables/testing'
import { repoRoot } from '../src/cli/paths.ts'
import { freePort } from '../src/dynamodb.ts'
import { INLINE, RUN, SKIP, TMP, type Run } from './readme-commands/catalog.ts'
import { documentedCommands, shellBlocks, splitCommands } from './readme-commands/extract.ts'

const root = repoRoot()
const documented = documentedCommands(root)
const COMMAND_TIMEOUT_MS = 90_000
const CONCURRENCY = 3

/** Set up by the test that runs the commands: their temporary folder and environment. */
let tmp = ''
let env: NodeJS.ProcessEnv = {}

t.test('a block splits into commands as a shell reads it', async (t) => {
  const markdown = ['```sh', "a --x 'one # two' # comment", 'b \\', '  --y', "C=$(c -d '{", "  }' | d)", '# only a comment', '```'].join(
    '\n',
  )
  t.same(splitCommands(shellBlocks(markdown)[0]!), ["a --x 'one # two'", 'b --y', "C=$(c -d '{ }' | d)"])
  t.same(shellBlocks('```json\n{}\n```\n```ts\nx\n```'), [])
})

t.test('every documented command is run or skipped for a stated reason', async (t) => {
  const unlisted = documented.filter(({ command }) => !(command in RUN) && !SKIP.some((s) => s.match(command)))
  t.same(unlisted, [], 'add each to RUN or SKIP in test/readme-commands/catalog.ts (or fix the README)')
  const stale = Object.keys(RUN).filter((command) => !documented.some((d) => d.command === command))
  t.same(stale, [], 'RUN lists commands no README documents any more')
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  t.same(
    Object.keys(INLINE).filter((command) => !readme.includes(`\`${command}\``)),
    [],
    'INLINE lists commands README.md no longer quotes',
  )
})

function firstJsonBlock(readme: string): string {
  const match = /^```json\n([\s\S]*?)^```/m.exec(readFileSync(join(root, readme), 'utf8'))
  if (!match) throw new Error(`no json block in ${readme}`)
  return match[1]!
}

/** The command line that runs: the documented one, or its stated stand-in; named files in `tmp`. */
function commandLine(command: string, run: Run, index: number): string {
  let line = run.runAs?.command.replaceAll(TMP, tmp) ?? command
  // A folder per command: two commands may name the same file (`request.json`).
  const dir = join(tmp, `files-${index}`)
  mkdirSync(dir, { recursive: true })
  for (const [name, content] of Object.entries(run.files ?? {})) {
    const path = join(dir, name)
    if (content !== null) writeFileSync(path, typeof content === 'string' ? content : firstJsonBlock(content.firstJsonOf))
    line = line.replaceAll(new RegExp(`(?<=\\s)${name.replaceAll('.', '\\.')}(?=\\s|$)`, 'g'), path)
  }
  return line
}

interface Outcome {
  code: number | null
  signal: NodeJS.Signals | null
  output: string
  ready: boolean
}

/** Runs `line` in bash at the repository root, as typed there; with `ready`, SIGTERM once it matches. */
function runLine(line: string, ready?: RegExp): Promise<Outcome> {
  return new Promise((resolve) => {
    // Its own process group: pnpm, node and what they start all get the signal.
    const child = spawn('bash', ['-c', line], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let isReady = false
    const stop = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal)
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => stop('SIGKILL'), COMMAND_TIMEOUT_MS)
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
      if (ready && !isReady && ready.test(output)) {
        isReady = true
        stop('SIGTERM')
      }
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output, ready: isReady })
    })
  })
}

interface Planned {
  readme: string
  command: string
  run: Run
}

/** Runs every command, `concurrency` at a time, those of one sequence one after the other. */
function runAll(planned: Planned[], concurrency: number): Array<Promise<{ line: string; outcome: Outcome }>> {
  const queues = new Map<string, number[]>()
  planned.forEach(({ run }, index) => {
    const key = run.sequence ?? `#${index}`
    queues.set(key, [...(queues.get(key) ?? []), index])
  })
  const waiting = [...queues.values()]
  const settle = planned.map(() => {
    let resolve!: (done: { line: string; outcome: Outcome }) => void
    const promise = new Promise<{ line: string; outcome: Outcome }>((r) => (resolve = r))
    return { promise, resolve }
  })
  const worker = async () => {
    for (let queue = waiting.shift(); queue; queue = waiting.shift()) {
      for (const index of queue) {
        const { command, run } = planned[index]!
        const line = commandLine(command, run, index)
        settle[index]!.resolve({ line, outcome: await runLine(line, 'ready' in run.expect ? run.expect.ready : undefined) })
      }
    }
  }
  for (let i = 0; i < concurrency; i++) void worker()
  return settle.map((s) => s.promise)
}

const runs: Planned[] = [
  ...documented.flatMap(({ readme, command }) => (command in RUN ? [{ readme, command, run: RUN[command]! }] : [])),
  ...Object.entries(INLINE).map(([command, run]) => ({ readme: 'README.md (prose)', command, run })),
]

// About a minute on an idle machine; pnpm and tsx start-ups stretch far on a busy one.
t.setTimeout(300_000)

t.test('the documented commands work as written', async (t) => {
  tmp = mkdtempSync(join(tmpdir(), 'readme-commands-'))
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
  mkdirSync(join(tmp, 'empty-params'))
  const tables = await useTestTables(t)
  const busPort = await freePort()
  const queuePort = await freePort()
  env = {
    ...process.env,
    ...tableNamesToEnv(tables.names),
    DYNAMODB_ENDPOINT: tables.endpoint,
    STAGE: 'local',
    EVENT_BUS_PORT: String(busPort),
    EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${busPort}`,
    // The bus's queues, and what `f1-local bus queues` and the like talk to: never a stack running on 4011.
    EVENT_QUEUE_PORT: String(queuePort),
    EVENT_BUS_DEAD_LETTER_DIR: join(tmp, 'bus'),
    RELAY_DIR: join(tmp, 'relay'),
    // Nothing listens there: a command that needs the gateway gets as far as calling it.
    GATEWAY_URL: `http://127.0.0.1:${await freePort()}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    FORCE_COLOR: '0',
  }

  // Started together (a few at a time) and checked in order: each one mostly waits for pnpm and tsx.
  const outcomes = runAll(runs, CONCURRENCY)
  for (const [index, { readme, command, run }] of runs.entries()) {
    const name =
      'ready' in run.expect ? `\`${command}\` (${readme}) starts, says it is ready and stops` : `\`${command}\` (${readme}) works`
    await t.test(name, async (t) => {
      const { line, outcome } = await outcomes[index]!
      if (run.runAs) t.comment(`ran \`${line}\`: ${run.runAs.why}`)
      if ('ready' in run.expect) {
        t.ok(outcome.ready, `prints ${run.expect.ready}`, { output: outcome.output })
      } else {
        t.equal(outcome.code, run.expect.exit, `exits ${run.expect.exit}`, { output: outcome.output })
        t.match(outcome.output, run.expect.output, { output: outcome.output })
      }
    })
  }
})
