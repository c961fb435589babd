// Test support shared by every app's tests.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { calleesOf, callersOf, callerTokenVar, SERVICE_NAMES, tokenVar, type ServiceName } from '@f1/contracts/services'

/** The error body of an inject response, asserting it has the architecture's shape. */
export function errorOf(res: LightMyRequestResponse): { code: string; message: string; details?: Record<string, unknown> } {
  const body = res.json<{ error?: { code: string; message: string; details?: Record<string, unknown> } }>()
  if (!body.error || typeof body.error.code !== 'string') throw new Error(`not an error body: ${res.body}`)
  return body.error
}

export const TEST_SERVICE_TOKEN = 'test-service-token-0123456789'

/**
 * The env that gives every service token of `service` (of every service without one) the same
 * value: the tokens it presents to the services it calls and the ones it accepts from its callers.
 * For tests that call apps directly; the per-pair checks have tests of their own.
 */
export function serviceTokenEnv(service?: ServiceName, token = TEST_SERVICE_TOKEN): Record<string, string> {
  const env: Record<string, string> = {}
  for (const s of service === undefined ? SERVICE_NAMES : [service]) {
    for (const callee of calleesOf(s)) env[tokenVar(callee)] = token
    for (const caller of callersOf(s)) env[callerTokenVar(caller)] = token
  }
  return env
}

export interface TsxProcess {
  child: ChildProcessByStdio<null, Readable, Readable>
  /** What it has printed so far. */
  output(): { stdout: string; stderr: string }
  /** Its exit code and all it printed, once it has closed. */
  closed: Promise<{ code: number | null; stdout: string; stderr: string }>
}

/**
 * A TypeScript script run as a real Node process (through tsx), with `env` over this process's
 * environment: for what a test sees only from outside, such as exit codes, signals or the time
 * zone a process starts in.
 */
export function spawnTsx(script: string, args: readonly string[], options: { env: Record<string, string>; cwd?: string }): TsxProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d))
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  const closed = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  )
  return { child, output: () => ({ stdout, stderr }), closed }
}
