// `pnpm dev`'s keeper of one process: starts it, restarts it when it dies (saying why) and when a
// source file under its watched folders changes, and stops it for good on request.
import { spawn, type ChildProcess } from 'node:child_process'
import { watch, type FSWatcher } from 'node:fs'
import { createInterface } from 'node:readline'

export interface SupervisedOptions {
  /** Arguments of `node` (the process runs on this Node). */
  args: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** Every line the process prints, and the supervisor's own notices. */
  print: (line: string) => void
  /** Resolves once the process serves; rejects when it does not (it is then stopped and retried). */
  ready: (child: ChildProcess) => Promise<void>
  /** Folders whose source changes restart the process. */
  watch?: readonly string[]
  /** First wait before restarting a process that died, doubled per death in a row up to maxDelayMs. */
  restartDelayMs?: number
  maxRestartDelayMs?: number
  /** A process that served this long is healthy again: its next death waits restartDelayMs. */
  stableAfterMs?: number
  /** Time SIGTERM gets before SIGKILL. */
  stopTimeoutMs?: number
}

const SOURCE_FILE = /\.(ts|mts|json)$/
const CHANGE_SETTLE_MS = 200
const REMEMBERED_LINES = 20

/** SIGTERM, then SIGKILL after timeoutMs; resolves once the process has exited. */
export function stopChild(child: ChildProcess, timeoutMs = 12_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('exit', () => {
      clearTimeout(killer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** The line that says why a process died: its last error line, else the last line it wrote to stderr. */
export function deathReason(stderrLines: readonly string[]): string | undefined {
  const lines = stderrLines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '))
  return [...lines].reverse().find((line) => /^(\w+)?Error\b|Error:/.test(line)) ?? lines.at(-1)
}

export class Supervised {
  private child: ChildProcess | undefined
  private stopped = false
  private deathsInARow = 0
  private restartTimer: NodeJS.Timeout | undefined
  private changeTimer: NodeJS.Timeout | undefined
  private readonly watchers: FSWatcher[] = []
  /** The restart in progress, so a second cause waits for it instead of starting another process. */
  private restarting: Promise<void> | undefined

  private readonly options: SupervisedOptions

  constructor(options: SupervisedOptions) {
    this.options = options
  }

  /** The first start: resolves when the process serves, rejects (and stops it) when it does not. */
  async start(): Promise<void> {
    await this.launch()
    for (const dir of this.options.watch ?? []) {
      const watcher = watch(dir, { recursive: true }, (_event, file) => {
        if (file && SOURCE_FILE.test(file)) this.sourceChanged(file)
      })
      watcher.on('error', (err) => this.options.print(`stopped watching ${dir}: ${err.message}`))
      this.watchers.push(watcher)
    }
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Stops the process for good: no restart, no watching. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.restartTimer)
    clearTimeout(this.changeTimer)
    for (const watcher of this.watchers) watcher.close()
    await this.restarting
    if (this.child) await stopChild(this.child, this.options.stopTimeoutMs)
  }

  /** Stops the running process (if any) and starts a new one; one at a time. */
  restart(reason: string): Promise<void> {
    this.restarting ??= this.replace(reason).finally(() => (this.restarting = undefined))
    return this.restarting
  }

  private async replace(reason: string): Promise<void> {
    clearTimeout(this.restartTimer)
    if (this.stopped) return
    this.options.print(`restarting: ${reason}`)
    const old = this.child
    this.child = undefined
    if (old) await stopChild(old, this.options.stopTimeoutMs)
    if (this.stopped) return
    try {
      await this.launch()
      this.options.print('ready again')
    } catch (err) {
      // launch() stopped it; a process that never served is retried from here, not from its exit.
      this.options.print(`did not become ready: ${(err as Error).message}`)
      this.scheduleRestart()
    }
  }

  private async launch(): Promise<void> {
    const { args, cwd, env, print } = this.options
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    const stderr: string[] = []
    createInterface({ input: child.stdout }).on('line', print)
    createInterface({ input: child.stderr }).on('line', (line) => {
      print(line)
      stderr.push(line)
      if (stderr.length > REMEMBERED_LINES) stderr.shift()
    })
    const startedAt = Date.now()
    let serving = false
    child.once('exit', (code, signal) => {
      // A process we replaced or stopped is not a death; one that never served fails its launch instead.
      if (this.child !== child || this.stopped || !serving) return
      this.child = undefined
      if (Date.now() - startedAt >= (this.options.stableAfterMs ?? 60_000)) this.deathsInARow = 0
      const why = deathReason(stderr)
      print(`exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ''}`)
      this.scheduleRestart()
    })
    try {
      await this.options.ready(child)
      serving = true
    } catch (err) {
      this.child = undefined
      await stopChild(child, this.options.stopTimeoutMs)
      const why = deathReason(stderr)
      throw new Error(`${(err as Error).message}${why ? `: ${why}` : ''}`, { cause: err })
    }
  }

  private scheduleRestart(): void {
    if (this.stopped) return
    const first = this.options.restartDelayMs ?? 1_000
    const delay = Math.min(this.options.maxRestartDelayMs ?? 30_000, first * 2 ** this.deathsInARow)
    this.deathsInARow += 1
    this.options.print(`restarting in ${delay / 1000} s (or at the next source change)`)
    clearTimeout(this.restartTimer)
    this.restartTimer = setTimeout(() => void this.restart('after it exited'), delay)
  }

  private sourceChanged(file: string): void {
    clearTimeout(this.changeTimer)
    // An editor's save is several events; one restart for all of them.
    this.changeTimer = setTimeout(() => {
      this.deathsInARow = 0
      void this.restart(`${file} changed`)
    }, CHANGE_SETTLE_MS)
  }
}
