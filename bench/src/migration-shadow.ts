// bench/migration-shadow: what the shadow stage costs a read. GET /api/users/subscription through
// the gateway for users migrated from legacy, with subscriptions in fallback (the baseline), then in
// shadow comparing 10 % and 100 % of the reads with legacy, in one run on one stack.
// The gateway's plan cache is off by default here (--plan-cache-ms 0): every read reaches
// subscription-service, the worst case. With its default 5 s cache a user's reads reach it once in 5 s.
//   pnpm --filter @f1/bench migration-shadow [-- --seconds 8 --concurrency 16 --users 8 --plan-cache-ms 0]
import { setTimeout as sleep } from 'node:timers/promises'
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { urlVar } from '@f1/contracts/services'
import type { MigrationStage } from '@f1/contracts/migration-stages'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { resolveTableNames, tableNamesToEnv } from '@f1/tables'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { legacyProfileKey } from '@f1/tables/keys'
import { readShadowFigures, readStages, stagePut } from '@f1/tables/migration-stages'
import { LoadClient } from './http-load.ts'
import { closedLoop, row, type Figures } from './measure.ts'
import { startApp, stopApps } from './stack.ts'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      seconds: { type: 'string', default: '8' },
      concurrency: { type: 'string', default: '16' },
      users: { type: 'string', default: '8' },
      'plan-cache-ms': { type: 'string', default: '0' },
    },
  },
  { program: 'bench migration-shadow' },
)
const SECONDS = Number(values.seconds)
const CONCURRENCY = Number(values.concurrency)
const USERS = Number(values.users)
const PLAN_CACHE_MS = Number(values['plan-cache-ms'])
// The services read the stage through this cache; the bench waits it out after each change.
const STAGE_CACHE_MS = 1_000

const ddb = await startDynamoDbLocal()
const { client, doc } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
const names = resolveTableNames({}, 'bench-')
await ensureTables(client, names)
const env = {
  ...serviceTokenEnv(undefined, 'bench-service-token-0123456789'),
  STRIPE_WEBHOOK_SECRET: 'whsec_bench_0123456789',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
  EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9',
  DYNAMODB_ENDPOINT: ddb.endpoint,
  MIGRATION_STAGE_CACHE_MS: String(STAGE_CACHE_MS),
  ...tableNamesToEnv(names),
}
const options = { logLevel: 'info', showLogs: false }
const usage = await startApp('usage-service', env, options)
const subscriptions = await startApp('subscription-service', env, options)
const gateway = await startApp(
  'gateway',
  {
    ...env,
    [urlVar('usage-service')]: usage.url,
    [urlVar('subscription-service')]: subscriptions.url,
    PLAN_CACHE_TTL_MS: String(PLAN_CACHE_MS),
  },
  options,
)
const load = new LoadClient()

// Users whose legacy profile holds a pro subscription, migrated by their first read (fallback).
const users: Array<Record<string, string>> = []
for (let i = 0; i < USERS; i++) {
  const { user_id: userId, token } = await load.json<{ user_id: string; token: string }>(gateway.url, {
    method: 'POST',
    path: '/api/auth/register',
    body: JSON.stringify({ email: `shadow-${i}@example.com`, password: 'bench-password', name: `Shadow ${i}` }),
  })
  await doc.send(
    new UpdateCommand({
      TableName: names.legacy,
      Key: { strategy_id: legacyProfileKey(userId) },
      UpdateExpression: 'SET #plan = :plan, subscription_end = :end, stripe_customer_id = :customer',
      ExpressionAttributeNames: { '#plan': 'plan' },
      ExpressionAttributeValues: { ':plan': 'PRO', ':end': '2099-01-01 00:00:00', ':customer': `cus_shadow_${i}` },
    }),
  )
  const auth = { authorization: `Bearer ${token}` }
  const first = await load.json<{ source: string; plan_id: string }>(gateway.url, { path: '/api/users/subscription', headers: auth })
  if (first.plan_id !== 'pro' || first.source !== 'legacy')
    throw new Error(`user ${i} was not migrated from legacy: ${JSON.stringify(first)}`)
  users.push(auth)
}

async function setStage(stage: MigrationStage, sampleRate: number) {
  const current = (await readStages(doc, names.migration)).subscriptions
  await doc.send(
    new TransactWriteCommand({
      TransactItems: [stagePut(names.migration, current, { stage, sampleRate, at: new Date().toISOString(), by: 'bench' })],
    }),
  )
  await sleep(STAGE_CACHE_MS * 2)
}

const read = async (i: number) => (await load.status(gateway.url, { path: '/api/users/subscription', headers: users[i % USERS] })) === 200

async function measure(stage: MigrationStage, sampleRate: number): Promise<Figures> {
  await setStage(stage, sampleRate)
  await closedLoop(read, { concurrency: CONCURRENCY, seconds: 2 })
  return closedLoop(read, { concurrency: CONCURRENCY, seconds: SECONDS })
}

console.log(
  `DynamoDB Local ${ddb.endpoint}; ${CONCURRENCY} in flight; ${SECONDS} s per stage after 2 s of warm-up; ${USERS} migrated pro users; ` +
    `gateway plan cache ${PLAN_CACHE_MS} ms; two rounds, the better run of each stage counts\n`,
)
// The JIT of every process and of DynamoDB Local warms up first, so no measured run pays for it.
await closedLoop(read, { concurrency: CONCURRENCY, seconds: 5 })
// Rounds alternate the stages, so a drift of the shared machine over the run touches them all alike.
const best = (a: Figures, b: Figures) => (a.perSecond >= b.perSecond ? a : b)
let fallback = await measure('fallback', 0.1)
let shadow10 = await measure('shadow', 0.1)
let shadow100 = await measure('shadow', 1)
fallback = best(fallback, await measure('fallback', 0.1))
shadow10 = best(shadow10, await measure('shadow', 0.1))
shadow100 = best(shadow100, await measure('shadow', 1))

// The recorder flushes every 5 s and on close: stop the apps first so every comparison is counted.
await stopApps([gateway, subscriptions, usage])
const { minutes } = await readShadowFigures(doc, names.migration, 'subscriptions', { minutes: 30, sampleCount: 0 })
const total = (field: 'match' | 'mismatch' | 'legacy_only' | 'new_only' | 'legacy_reads') => minutes.reduce((n, m) => n + m[field], 0)
await load.close()
client.destroy()
await ddb.stop()

console.log(row('fallback (baseline)', fallback))
console.log(row('shadow, 10 % compared', shadow10))
console.log(row('shadow, 100 % compared', shadow100))
const ratio = (f: Figures) =>
  `throughput ${(f.perSecond / fallback.perSecond).toFixed(2)}x, p50 ${(f.p50ms / fallback.p50ms).toFixed(2)}x, p99 ${(f.p99ms / fallback.p99ms).toFixed(2)}x`
console.log(`\nshadow 10 % / fallback:  ${ratio(shadow10)}`)
console.log(`shadow 100 % / fallback: ${ratio(shadow100)}`)
console.log(
  `\ncomparisons recorded: ${total('match')} match, ${total('mismatch')} mismatch, ${total('legacy_only')} legacy only, ` +
    `${total('new_only')} new only; legacy reads ${total('legacy_reads')}`,
)
console.log('(one machine: the load generator, three apps and DynamoDB Local share its cores)')
