// bench/simulate: simulations/s through the gateway (JWT, plan security, quota, simulation-service,
// storage) next to calling the engine in-process, in one run.
//   pnpm --filter @f1/bench simulate [-- --count 200 --concurrency 8]
import { urlVar } from '@f1/contracts/services'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { runSimulation } from '@f1/race-sim/simulate'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { signWebhook, subscriptionEvent } from '@f1/subscription-service/testing'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { resolveTableNames, tableNamesToEnv } from '@f1/tables'
import { startApp, stopApps } from './stack.ts'
import { serviceTokenEnv } from '@f1/service-kit/testing'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: { count: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '8' } },
  },
  { program: 'bench simulate' },
)
const COUNT = Number(values.count)
const CONCURRENCY = Number(values.concurrency)
const stints = [
  { start_lap: 0, compound: 'A4', tire_age: 2 },
  { start_lap: 22, compound: 'A3', tire_age: 0 },
  { start_lap: 36, compound: 'A4', tire_age: 0 },
]

const ddb = await startDynamoDbLocal()
const { client } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
const names = resolveTableNames({}, 'bench-')
await ensureTables(client, names)
client.destroy()
const secrets = {
  ...serviceTokenEnv(undefined, 'bench-service-token-0123456789'),
  STRIPE_WEBHOOK_SECRET: 'whsec_bench_0123456789',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
}
const env = { ...secrets, DYNAMODB_ENDPOINT: ddb.endpoint, EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9', ...tableNamesToEnv(names) }
const usage = await startApp('usage-service', env)
const subscriptions = await startApp('subscription-service', env)
const simulations = await startApp('simulation-service', env)
const gateway = await startApp('gateway', {
  ...env,
  [urlVar('usage-service')]: usage.url,
  [urlVar('subscription-service')]: subscriptions.url,
  [urlVar('simulation-service')]: simulations.url,
})

// A team user (1,000 simulation_run a day) so the bench measures work, not 429s.
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
const { user_id: userId, token } = (await (
  await post('/api/auth/register', { email: 'bench@example.com', password: 'bench-password', name: 'Bench' })
).json()) as {
  user_id: string
  token: string
}
const { payload, signature } = signWebhook(
  subscriptionEvent({ type: 'customer.subscription.updated', userId, priceId: 'price_dev_team' }),
  secrets.STRIPE_WEBHOOK_SECRET,
)
await fetch(`${gateway.url}/api/stripe/webhook`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  body: payload,
})

async function rate(count: number, one: () => Promise<void>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < count) await one()
    }),
  )
  return count / ((performance.now() - started) / 1000)
}

const rows: string[] = []
for (const mode of ['single', 'race'] as const) {
  const body = { track_id: 'shanghai', season: 2019, driver: 'HAM', mode, strategy: { stints } }
  const failures: number[] = []
  const viaGateway = await rate(COUNT, async () => {
    const res = await post('/api/simulations', body, { authorization: `Bearer ${token}` })
    await res.arrayBuffer()
    if (res.status !== 201) failures.push(res.status)
  })
  // The same request, parsed and run by the engine in this process (more runs: it is much faster).
  const inProcess = await rate(COUNT * 20, async () => {
    runSimulation(body)
  })
  rows.push(
    `${mode.padEnd(7)} gateway ${viaGateway.toFixed(1).padStart(8)} sims/s   engine in-process ${inProcess.toFixed(0).padStart(8)} sims/s   ` +
      `gateway / engine ${(viaGateway / inProcess).toFixed(4)}${failures.length ? `   (${failures.length} failed: ${[...new Set(failures)].join(',')})` : ''}`,
  )
}
await stopApps([gateway, simulations, subscriptions, usage])
await ddb.stop()
console.log(`\n${COUNT} simulations per mode through the gateway, ${CONCURRENCY} in flight; Shanghai 2019, HAM, 2 stops`)
for (const row of rows) console.log(row)
console.log('(one machine: load generator, four services and DynamoDB Local share its 2 cores)')
