// deploy/Dockerfile's steps without Docker: its build stage's RUN steps on a copy of the repository
// (the build context), then each app started from its production folder as the image's CMD would
// start it, with only the image's ENV and the app's settings. The steps are read from the Dockerfile,
// so the file and this check cannot drift apart: a step changed there is the step run here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { copyBuildContext } from './build-context.ts'
import { envOf, execForm, readDockerfile, type Instruction, type Stage } from './dockerfile.ts'

export const REPO = join(import.meta.dirname, '..', '..')

export interface ImageRecipe {
  /** Build-stage RUN steps that do not depend on the app: run once, as Docker's layer cache would. */
  sharedSteps: string[]
  /** Build-stage RUN steps that name ${APP}: run per app. */
  appSteps: string[]
  /** The build stage's ENV, which its steps see. */
  buildEnv: Record<string, string>
  /** Where the build stage leaves the production folder (its ENV OUT), which the image copies. */
  out: string
  /** The image's ENV, CMD and HEALTHCHECK. */
  env: Record<string, string>
  cmd: string[]
  healthcheck: string[]
}

const runs = (stage: Stage): Instruction[] => stage.instructions.filter((i) => i.keyword === 'RUN')

/** Reads the recipe and refuses a Dockerfile whose shape this check would not reproduce faithfully. */
export function imageRecipe(stages: Stage[] = readDockerfile()): ImageRecipe {
  const build = stages.find((stage) => stage.name === 'build')
  const image = stages.at(-1)
  if (!build || !image || image === build) throw new Error('the Dockerfile needs a stage `AS build` and a final image stage after it')
  const out = envOf(build).OUT
  if (!out) throw new Error('the build stage must set ENV OUT (where `pnpm deploy` writes the production folder)')
  const copies = image.instructions.filter((i) => i.keyword === 'COPY')
  if (copies.length !== 1 || !new RegExp(`--from=build\\b.*\\s${out}\\s`).test(` ${copies[0]!.args} `)) {
    throw new Error(`the image must copy exactly the build stage's ${out}, and nothing else`)
  }
  if (!build.instructions.some((i) => i.keyword === 'COPY' && i.args === '. .'))
    throw new Error('the build stage must COPY . . (the build context)')
  const steps = runs(build).map((i) => i.args)
  return {
    sharedSteps: steps.filter((step) => !step.includes('APP')),
    appSteps: steps.filter((step) => step.includes('APP')),
    buildEnv: envOf(build),
    out,
    env: envOf(image),
    cmd: execForm(image, 'CMD'),
    healthcheck: execForm(image, 'HEALTHCHECK'),
  }
}

/** The environment of the build steps: this machine's, without what a test runner or turbo put there for itself. */
function buildEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|TURBO_|TAP|_TAPJS|NODE_OPTIONS$|PNPM_SCRIPT|INIT_CWD$)/.test(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

/**
 * A step that installs a global tool in the image (`npm install --global pnpm@10.34.8`) is checked,
 * not run: this machine has its tools and must not have them replaced. The version must match.
 */
function checkToolStep(step: string): boolean {
  const install = /^npm install --global (\S+)@(\S+)$/.exec(step)
  if (!install) return false
  const [, tool, version] = install
  const found = execFileSync(tool!, ['--version'], { encoding: 'utf8' }).trim()
  if (found !== version) throw new Error(`the image installs ${tool} ${version}; this machine has ${found}`)
  return true
}

function runStep(step: string, cwd: string, env: Record<string, string>, log: (line: string) => void): void {
  if (checkToolStep(step)) {
    log(`checked: ${step}`)
    return
  }
  log(`RUN ${step}`)
  try {
    execFileSync('sh', ['-c', step], { cwd, env: buildEnv(env), stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer }
    throw new Error(`build step failed: ${step}\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`, { cause: err })
  }
}

/** The build context with its shared steps run (copy and install): `<dir>/repo`. */
export function prepareBuildStage(dir: string, recipe: ImageRecipe, log: (line: string) => void = () => {}): string {
  const context = join(dir, 'repo')
  rmSync(context, { recursive: true, force: true })
  copyBuildContext(REPO, context)
  for (const step of recipe.sharedSteps) runStep(step, context, recipe.buildEnv, log)
  return context
}

/** Runs the app's build steps; answers the production folder `pnpm deploy` wrote. */
export function buildAppFolder(
  context: string,
  dir: string,
  app: string,
  recipe: ImageRecipe,
  log: (line: string) => void = () => {},
): string {
  const out = join(dir, `out-${app}`)
  rmSync(out, { recursive: true, force: true })
  // The image's OUT is /out; here each app's folder is a temporary one.
  for (const step of recipe.appSteps) runStep(step, context, { ...recipe.buildEnv, APP: app, OUT: out }, log)
  if (!existsSync(join(out, 'package.json'))) throw new Error(`the build steps left no production folder for ${app} at ${out}`)
  return out
}

/**
 * What a production folder holds beyond the app's production install: any top-level package but its
 * `dependencies` (workspace packages, dev dependencies), or a TypeScript loader, compiler, bundler or
 * test runner anywhere in its store. (Optional peers may come along, e.g. stripe's @types/node.)
 */
export function devArtifacts(folder: string): string[] {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  const wanted = new Set(Object.keys(manifest.dependencies ?? {}))
  const modules = join(folder, 'node_modules')
  const topLevel = readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((scoped) => `${name}/${scoped}`) : [name]))
  const store = join(modules, '.pnpm')
  const tools = (existsSync(store) ? readdirSync(store) : []).filter((name) => /^(tsx|typescript|esbuild|tap)@/.test(name))
  return [...topLevel.filter((name) => !wanted.has(name)), ...tools]
}

export interface RunningImage {
  child: ChildProcess
  url: string
  /** What the process wrote to stderr so far (its errors). */
  stderr(): string
  /** OS threads of the process (Linux): the main thread, Node's own, and one per worker thread. */
  threads(): number
  stop(): Promise<number | null>
}

/** Starts the image's CMD in `folder` as a container would: the image's ENV and `env`, nothing else from this machine. */
export async function startImage(folder: string, recipe: ImageRecipe, env: Record<string, string>, url: string): Promise<RunningImage> {
  const [command, ...args] = recipe.cmd
  if (command !== 'node') throw new Error(`the image's CMD runs ${command}; this check starts node only`)
  let stderr = ''
  const child = spawn(process.execPath, args, {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...recipe.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const running: RunningImage = {
    child,
    url,
    stderr: () => stderr,
    threads: () => readdirSync(`/proc/${child.pid}/task`).length,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before /ready answered 200:\n${stderr}`)
    try {
      if ((await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })).status === 200) return running
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000) {
      await running.stop()
      throw new Error(`/ready did not answer 200 within 60 s:\n${stderr}`)
    }
    await sleep(200)
  }
}

/** Runs the image's HEALTHCHECK command in `folder` with the app's settings; answers its exit code. */
export function runHealthcheck(folder: string, recipe: ImageRecipe, env: Record<string, string>): number {
  const [command, ...args] = recipe.healthcheck
  if (command !== 'node') throw new Error(`the image's HEALTHCHECK runs ${command}; slim images have node only`)
  try {
    execFileSync(process.execPath, args, {
      cwd: folder,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...recipe.env, ...env },
      stdio: 'ignore',
    })
    return 0
  } catch (err) {
    return (err as { status?: number }).status ?? 1
  }
}
