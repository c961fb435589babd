// bench/usage-consume: consume through usage-service (HTTP, validation, auth, one conditional
// UpdateItem) next to the same conditional UpdateItem sent straight to DynamoDB Local, one run.
//   pnpm --filter @f1/bench usage-consume [-- --seconds 10 --concurrency 16]
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { startDynamoDbLocal, freePort } from '@f1/local-stack/dynamodb'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { BENCH_LIMIT, rawConsumeUpdate } from './raw-update.ts'
import { closedLoop, row } from './measure.ts'
import { serviceTokenEnv } from '@f1/service-kit/testing'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '16' } },
  },
  { program: 'bench usage-consume' },
)
const seconds = Number(values.seconds)
const concurrency = Number(values.concurrency)
const USERS = 200
const TOKEN = 'bench-service-token-0123456789'

const ddb = await startDynamoDbLocal()
const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
await ensureTables(client, { usage: 'bench-usage' })
console.log(`DynamoDB Local ${ddb.endpoint}; ${concurrency} in flight; ${seconds} s per run; ${USERS} users\n`)

// Baseline: exactly the update usage-service sends, with no HTTP or service in between.
const rawUpdate = rawConsumeUpdate(doc, 'bench-usage', USERS)
// DynamoDB Local's JIT warms up first, so neither run pays for it.
await closedLoop(rawUpdate, { concurrency, seconds: 3 })
const raw = await closedLoop(rawUpdate, { concurrency, seconds })

const port = await freePort()
const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: join(import.meta.dirname, '..', '..', 'apps', 'usage-service'),
  env: {
    ...process.env,
    DYNAMODB_ENDPOINT: ddb.endpoint,
    USER_USAGE_TABLE: 'bench-usage',
    USAGE_SERVICE_PORT: String(port),
    ...serviceTokenEnv('usage-service', TOKEN),
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const url = `http://127.0.0.1:${port}`
for (let i = 0; i < 100; i++) {
  if (
    await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break
  await new Promise((r) => setTimeout(r, 100))
}
const body = JSON.stringify({ feature: 'api_request', limit: BENCH_LIMIT })
const consume = async (i: number) => {
  const res = await fetch(`${url}/users/svc-${i % USERS}/usage/consume`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-service-token': TOKEN },
    body,
  })
  await res.arrayBuffer()
  return res.status === 200
}
await closedLoop(consume, { concurrency, seconds: 2 })
const viaService = await closedLoop(consume, { concurrency, seconds })
service.kill('SIGTERM')
await new Promise((r) => service.once('exit', r))
client.destroy()
await ddb.stop()

console.log(row('raw conditional UpdateItem', raw))
console.log(row('POST /usage/consume (usage-service)', viaService))
console.log(
  `\nservice / raw: throughput ${(viaService.perSecond / raw.perSecond).toFixed(2)}x, ` +
    `p50 ${(viaService.p50ms / raw.p50ms).toFixed(2)}x, p99 ${(viaService.p99ms / raw.p99ms).toFixed(2)}x`,
)
console.log('(one machine: the load generator, the service and DynamoDB Local share its 2 cores)')
