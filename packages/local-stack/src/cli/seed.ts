// Demo data for the dev stack: users through the gateway's own API, the admin role through the gateway's
// operator command, legacy data through the migrator's generator.
import { spawn } from 'node:child_process'
import { repoRoot } from './paths.ts'

export const DEMO_USER = { email: 'demo@f1-race-sim.dev', password: 'demo-driver-2026', name: 'Demo Driver' }
/** Registered like anyone (role user), then made an admin with the gateway's operator command. */
export const ADMIN_USER = { email: 'admin@f1-race-sim.dev', password: 'admin-pit-wall-2026', name: 'Race Control' }

export interface SeededUser {
  email: string
  password: string
  state: 'created' | 'already there'
}

/** Registers a user; an existing one (persistent data dir) is fine. */
export async function seedUser(gatewayUrl: string, user: typeof DEMO_USER): Promise<SeededUser> {
  const res = await fetch(`${gatewayUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  if (res.status === 201) return { email: user.email, password: user.password, state: 'created' }
  if (res.status === 409) return { email: user.email, password: user.password, state: 'already there' }
  throw new Error(`seeding ${user.email} failed: ${res.status} ${await res.text()}`)
}

/** The command an operator runs to make an account an admin; the seed runs the same. */
export const GRANT_ADMIN_COMMAND = 'pnpm --filter @f1/gateway admin grant'

/**
 * Runs a script an app declares in its package.json (`pnpm --filter <app> run <script>`) to its end:
 * its exit code and everything it printed.
 */
async function runAppScript(
  app: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const pnpmArgs = ['--silent', '--filter', app, 'run', script, ...args]
  const execPath = process.env.npm_execpath
  // Under pnpm, npm_execpath is pnpm's own script; under npm or npx (a test run by hand) it is npm's.
  const [command, commandArgs] =
    execPath && /pnpm[^/\\]*\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath, ...pnpmArgs]] : ['pnpm', pnpmArgs]
  const child = spawn(command, commandArgs, { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d))
  child.stderr?.on('data', (d: Buffer) => (output += d))
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null))
    child.once('close', resolve)
  })
  return { code, output }
}

/** Makes a registered user an admin with the gateway's operator command: whether it did, and what it printed. */
export async function grantAdmin(email: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  const { code, output } = await runAppScript('@f1/gateway', 'admin', ['grant', email, '--by', 'pnpm dev (seed)'], env)
  return { ok: code === 0, output: code === 0 ? output.trim() : `exit ${code}: ${output.trim().slice(-2000)}` }
}

export const LEGACY_DEMO_USERS = 50

/** Writes generated legacy data (deterministic seed) into the legacy table with the migrator's `generate` command. */
export async function seedLegacyData(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const { code, output } = await runAppScript('@f1/migrator', 'generate', ['--users', String(LEGACY_DEMO_USERS), '--seed', 'demo'], env)
  if (code === 0) log(`Legacy demo data: ${LEGACY_DEMO_USERS} generated users written to the legacy table`)
  else log(`Legacy demo data could not be generated (exit ${code}):\n${output.slice(-2000)}`)
}
