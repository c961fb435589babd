import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { SERVICE_NAMES, type ServiceName } from '@f1/contracts/services'
import { startLocalBus } from '@f1/local-stack/bus'
import { freePort } from '@f1/local-stack/dynamodb'
import { useTestTables } from '@f1/tables/testing'
import { checkApp, problemsOf } from '../src/app-checks.ts'
import { imageRecipe, prepareBuildStage } from '../src/image-steps.ts'

// deploy/Dockerfile's own steps (read from it), as `pnpm --filter @f1/deploy image-steps` runs them.
const recipe = imageRecipe()
const tables = await useTestTables(t)
const dir = mkdtempSync(join(tmpdir(), 'f1-image-steps-test-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (app) => [app, await freePort()] as const))) as Record<
  ServiceName,
  number
>
const context = prepareBuildStage(dir, recipe)
// The consumers' and the jobs' queues, which a deployed stage requires (a local SQS, in this process).
const bus = await startLocalBus({ port: 0, queuePort: 0, deadLetterDir: dir })
t.teardown(() => bus.close())

const WHAT_ELSE: Partial<Record<ServiceName, string>> = {
  'simulation-service': ', and runs a Monte Carlo study on worker threads that load the built worker',
  migrator: ', and its built CLI runs backfill --dry-run',
}

for (const app of SERVICE_NAMES) {
  t.test(
    `the built ${app} starts from its production folder without tsx or dev packages, answers /ready, passes the image's HEALTHCHECK and stops cleanly${WHAT_ELSE[app] ?? ''}`,
    async (t) => {
      const report = await checkApp(app, context, dir, recipe, { endpoint: tables.endpoint, names: tables.names, ports, queueEnv: (app) => bus.queueEnv(app) })
      t.same(problemsOf(report), [])
      t.comment(`${app}: build ${report.buildSeconds} s, /ready after ${report.startSeconds} s, checks ${report.checkSeconds} s`)
    },
  )
}
