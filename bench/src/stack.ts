// Starts apps as real processes for a bench, each on a free port, and waits for /ready.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { portVar, type ServiceName } from '@f1/contracts/services'
import { freePort } from '@f1/local-stack/dynamodb'

export interface RunningApp {
  name: string
  url: string
  process: ChildProcess
}

export interface StartOptions {
  /** LOG_LEVEL of the app (default warn). */
  logLevel?: string
  /** false drops the app's stdout (its logs), as a log shipper would take them off the measured path. */
  showLogs?: boolean
  /** Extra node flags, e.g. `--cpu-prof` to profile the app. */
  nodeArgs?: string[]
}

/** The repository's root folder. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..')

/** Starts apps/<name> on a free port (its port variable set from @f1/contracts/services) and waits until it is ready. */
export async function startApp(name: ServiceName, env: Record<string, string>, options: StartOptions = {}): Promise<RunningApp> {
  const port = await freePort()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/server.ts'], {
    cwd: join(REPO_ROOT, 'apps', name),
    env: {
      ...process.env,
      ...env,
      [portVar(name)]: String(port),
      LOG_LEVEL: options.logLevel ?? 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', options.showLogs === false ? 'ignore' : 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { name, url, process: child }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill()
  throw new Error(`${name} did not become ready`)
}

export async function stopApps(apps: RunningApp[]): Promise<void> {
  await Promise.all(
    apps.map(
      (app) =>
        new Promise<void>((resolve) => {
          app.process.once('exit', () => resolve())
          app.process.kill('SIGTERM')
        }),
    ),
  )
}
