// What each app's production folder must do once built: start from the image's CMD with no
// TypeScript loader and answer /ready; pass the image's HEALTHCHECK; and for the apps with more
// than a server, the rest of what production runs (the Monte Carlo worker threads, the migrator CLI).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { callerTokenVar, portVar, servicePairs, SERVICE_NAMES, tokenVar, urlVar, type ServiceName } from '@f1/contracts/services'
import { tableNamesToEnv, type TableNames } from '@f1/tables'
import { buildAppFolder, devArtifacts, runHealthcheck, startImage, type ImageRecipe, type RunningImage } from './image-steps.ts'

export interface StackSettings {
  endpoint: string
  names: TableNames
  ports: Record<ServiceName, number>
  /** The queues an app reads (a consumer its event queue, simulation-service its job queue), as the CDK app gives them. */
  queueEnv(app: ServiceName): Record<string, string>
}

/** A fresh secret of the check's run: no dev default reaches a deployed stage. */
const secret = () => randomBytes(24).toString('hex')
/** One token per (caller, callee) pair, as the CDK app makes them. */
const PAIR_TOKENS = new Map(servicePairs().map(({ caller, callee }) => [`${caller}>${callee}`, secret()]))
const pairToken = (caller: ServiceName, callee: ServiceName): string => PAIR_TOKENS.get(`${caller}>${callee}`)!

/**
 * An app's production settings: a deployed stage (so every local default is refused and a missing
 * setting stops the start), its own service tokens (those it presents and those it accepts) and
 * secrets, DynamoDB Local and the check's tables, the queues it reads (a local SQS), every service's port and URL, and a worker pool
 * of two (so a study is seen to spread over threads).
 */
export function appEnv(settings: StackSettings, app: ServiceName): Record<string, string> {
  const env: Record<string, string> = {
    STAGE: 'image-check',
    // A deployed stage refuses the local stack's own values (127.0.0.1 as HOST and DynamoDB endpoint: in
    // AWS they are mistakes); the same machine under its other name is what this check means.
    HOST: 'localhost',
    LOG_LEVEL: 'warn',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: settings.endpoint.replace('//127.0.0.1:', '//localhost:'),
    // Nothing listens there: the apps' events leave through their tables' outboxes, not this client.
    EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9',
    SIMULATION_WORKERS: '2',
    JWT_SECRET: secret(),
    EVENT_BUS_SECRET: secret(),
    STRIPE_WEBHOOK_SECRET: `whsec_${secret()}`,
    STRIPE_PRICE_PRO: 'price_image_check_pro',
    STRIPE_PRICE_TEAM: 'price_image_check_team',
    APP_ORIGINS: 'https://console.image-check.invalid',
    ...tableNamesToEnv(settings.names),
    ...settings.queueEnv(app),
  }
  for (const { caller, callee } of servicePairs()) {
    if (caller === app) env[tokenVar(callee)] = pairToken(caller, callee)
    if (callee === app) env[callerTokenVar(caller)] = pairToken(caller, callee)
  }
  for (const service of SERVICE_NAMES) {
    env[portVar(service)] = String(settings.ports[service])
    env[urlVar(service)] = `http://127.0.0.1:${settings.ports[service]}`
  }
  return env
}

export interface AppReport {
  app: ServiceName
  /** Seconds of the app's build steps (build, deploy), of its start until /ready answered 200, and of its own checks. */
  buildSeconds: number
  startSeconds: number
  checkSeconds: number
  /** Packages of a dev install found in the folder (none expected). */
  devArtifacts: string[]
  healthcheckExit: number
  /** The server's exit code after SIGTERM. */
  stopExit: number | null
  /** simulation-service: OS threads before and after a Monte Carlo study through its HTTP API, and the runs it answered. */
  monteCarlo?: { threadsBefore: number; threadsAfter: number; runs: number }
  /** migrator: the CLI's exit code for `backfill --dry-run` (what its one-off task runs first), and its output. */
  migratorCli?: { exit: number; output: string }
}

const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10

/** A study large enough for several chunks, so both workers of the pool get work. */
const STUDY = {
  track_id: 'shanghai',
  season: 2019,
  driver: 'HAM',
  mode: 'monte_carlo',
  runs: 2_000,
  seed: 7,
  strategy: {
    stints: [
      { start_lap: 0, compound: 'A4', tire_age: 2 },
      { start_lap: 22, compound: 'A3', tire_age: 0 },
      { start_lap: 36, compound: 'A4', tire_age: 0 },
    ],
  },
}

async function runStudy(running: RunningImage): Promise<NonNullable<AppReport['monteCarlo']>> {
  const threadsBefore = running.threads()
  const res = await fetch(`${running.url}/users/image-steps-user/simulations`, {
    method: 'POST',
    // The study comes in as the gateway's call would: with the gateway's token for this service.
    headers: { 'content-type': 'application/json', 'x-service-token': pairToken('gateway', 'simulation-service') },
    body: JSON.stringify(STUDY),
    signal: AbortSignal.timeout(120_000),
  })
  const body = (await res.json()) as { results?: { runs?: number } }
  if (res.status !== 201)
    throw new Error(`the Monte Carlo study answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}\n${running.stderr()}`)
  return { threadsBefore, threadsAfter: running.threads(), runs: body.results?.runs ?? 0 }
}

async function runMigratorCli(
  folder: string,
  recipe: ImageRecipe,
  env: Record<string, string>,
): Promise<NonNullable<AppReport['migratorCli']>> {
  // The image's CMD with the CLI's entry in place of the server's: what the one-off task overrides.
  const args = recipe.cmd.slice(1).map((arg) => (arg === 'dist/server.js' ? 'dist/bin/migrator.js' : arg))
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...args, 'backfill', '--dry-run'], {
      cwd: folder,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...recipe.env, ...env },
      timeout: 120_000,
    })
    return { exit: 0, output: stdout + stderr }
  } catch (err) {
    const { code, stdout, stderr } = err as { code?: number; stdout?: string; stderr?: string }
    return { exit: typeof code === 'number' ? code : 1, output: `${stdout ?? ''}${stderr ?? ''}` }
  }
}

/** Builds `app` as the image does, starts it from its production folder, checks it, stops it. */
export async function checkApp(
  app: ServiceName,
  context: string,
  dir: string,
  recipe: ImageRecipe,
  settings: StackSettings,
  log: (line: string) => void = () => {},
): Promise<AppReport> {
  let since = performance.now()
  const folder = buildAppFolder(context, dir, app, recipe, log)
  const buildSeconds = seconds(since)
  const env = appEnv(settings, app)
  since = performance.now()
  const running = await startImage(folder, recipe, env, `http://127.0.0.1:${settings.ports[app]}`)
  const startSeconds = seconds(since)
  since = performance.now()
  try {
    const report: AppReport = {
      app,
      buildSeconds,
      startSeconds,
      checkSeconds: 0,
      devArtifacts: devArtifacts(folder),
      healthcheckExit: runHealthcheck(folder, recipe, env),
      stopExit: null,
    }
    if (app === 'simulation-service') report.monteCarlo = await runStudy(running)
    if (app === 'migrator') report.migratorCli = await runMigratorCli(folder, recipe, env)
    report.checkSeconds = seconds(since)
    report.stopExit = await running.stop()
    return report
  } finally {
    await running.stop()
  }
}

/** What is wrong with an app's report; empty when its image would run as production needs. */
export function problemsOf(report: AppReport): string[] {
  const problems: string[] = []
  if (report.devArtifacts.length > 0) problems.push(`its production folder holds dev packages: ${report.devArtifacts.join(', ')}`)
  if (report.healthcheckExit !== 0) problems.push(`the image's HEALTHCHECK exited ${report.healthcheckExit}`)
  if (report.stopExit !== 0) problems.push(`SIGTERM stopped it with exit ${report.stopExit}`)
  const study = report.monteCarlo
  if (report.app === 'simulation-service') {
    if (!study || study.runs !== STUDY.runs) problems.push(`the Monte Carlo study answered ${study?.runs ?? 'no'} runs of ${STUDY.runs}`)
    // Each worker thread is an OS thread of the process: a pool of two adds two.
    else if (study.threadsAfter - study.threadsBefore < 2) {
      problems.push(
        `the Monte Carlo study did not start the pool's worker threads (threads ${study.threadsBefore} -> ${study.threadsAfter})`,
      )
    }
  }
  if (report.app === 'migrator' && report.migratorCli?.exit !== 0) {
    problems.push(`the migrator CLI's backfill --dry-run exited ${report.migratorCli?.exit}:\n${report.migratorCli?.output ?? ''}`)
  }
  return problems
}
