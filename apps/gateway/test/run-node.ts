// A TypeScript script run as a real Node process (through tsx), its output collected: for what a
// test can only see from outside, such as an exit code or the time zone a process starts in.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

export interface NodeRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `script` with `args` in the gateway's folder, with `env` over this process's environment. */
export function runNode(script: string, args: string[], env: Record<string, string>): Promise<NodeRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d))
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}
