// `pnpm --filter @f1/deploy image-steps [-- --app gateway,migrator] [--keep]`: the Dockerfile's
// steps for each app, each app started from its production folder against DynamoDB Local
// (DYNAMODB_ENDPOINT, else port 8000) on tables of its own; ends with one line per app and exits 1
// on any problem.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SERVICE_NAMES, type ServiceName } from '@f1/contracts/services'
import { startLocalBus } from '@f1/local-stack/bus'
import { freePort } from '@f1/local-stack/dynamodb'
import { resolveTableNames } from '@f1/tables'
import { createDynamoClients } from '@f1/tables/client'
import { deleteTables, ensureTables } from '@f1/tables/create'
import { checkApp, problemsOf } from './app-checks.ts'
import { imageRecipe, prepareBuildStage } from './image-steps.ts'

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    // pnpm 10 hands a script its `--`.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: { app: { type: 'string' }, keep: { type: 'boolean', default: false } },
  })
  const apps = (values.app?.split(',') ?? SERVICE_NAMES) as ServiceName[]
  const unknown = apps.filter((app) => !SERVICE_NAMES.includes(app))
  if (unknown.length > 0) {
    process.stderr.write(`unknown app: ${unknown.join(', ')} (apps: ${SERVICE_NAMES.join(', ')})\n`)
    return 2
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT || 'http://127.0.0.1:8000'
  const names = resolveTableNames({}, `image-steps-${randomBytes(4).toString('hex')}-`)
  const { client } = createDynamoClients({ region: 'us-east-1', endpoint })
  const dir = mkdtempSync(join(tmpdir(), 'f1-image-steps-'))
  const log = (line: string) => process.stdout.write(`${line}\n`)
  let failed = 0
  // The consumers' and the jobs' queues, which a deployed stage requires (a local SQS, in this process).
  const bus = await startLocalBus({ port: 0, queuePort: 0, deadLetterDir: dir })
  try {
    await ensureTables(client, names)
    const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (app) => [app, await freePort()] as const))) as Record<
      ServiceName,
      number
    >
    const recipe = imageRecipe()
    const started = performance.now()
    const context = prepareBuildStage(dir, recipe, log)
    log(`build context and shared steps: ${Math.round((performance.now() - started) / 100) / 10} s`)
    for (const app of apps) {
      try {
        const report = await checkApp(app, context, dir, recipe, { endpoint, names, ports, queueEnv: (app) => bus.queueEnv(app) }, log)
        const problems = problemsOf(report)
        const study = report.monteCarlo
          ? `, Monte Carlo ${report.monteCarlo.runs} runs on threads ${report.monteCarlo.threadsBefore} -> ${report.monteCarlo.threadsAfter}`
          : ''
        log(
          `${problems.length === 0 ? 'ok' : 'FAILED'} ${app}: build ${report.buildSeconds} s, /ready after ${report.startSeconds} s, checks ${report.checkSeconds} s${study}`,
        )
        for (const problem of problems) log(`  ${problem}`)
        if (problems.length > 0) failed += 1
      } catch (err) {
        failed += 1
        log(`FAILED ${app}: ${(err as Error).message}`)
      }
    }
  } finally {
    await bus.close()
    await deleteTables(client, names).catch(() => undefined)
    client.destroy()
    if (values.keep) log(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
  log(failed === 0 ? `every app's image steps passed (${apps.length})` : `${failed} of ${apps.length} apps failed their image steps`)
  return failed === 0 ? 0 : 1
}
