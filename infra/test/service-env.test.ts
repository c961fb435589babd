import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  calleesOf,
  callerTokenVar,
  portVar,
  SERVICE_NAMES,
  SERVICES,
  servicePairs,
  tokenVar,
  urlVar,
  type ServiceName,
} from '@f1/contracts/services'
import { EventConsumerConfigProperties } from '@f1/events/config'
import { CONSUMERS, type Consumer } from '@f1/events/rules'
import { TABLE_IDS, TABLES } from '@f1/tables'
import { stageTableNames } from '../src/names.ts'
import {
  EVENT_DEAD_LETTER_QUEUE_URL_VAR,
  EVENT_QUEUE_URL_VAR,
  isConsumer,
  serviceConnectUrl,
  serviceEnvironment,
  serviceSecrets,
  serviceTables,
  SIMULATION_JOB_QUEUE_URL_VAR,
  SIMULATION_JOBS,
} from '../src/service-env.ts'
import { REPO_ROOT } from '../src/repository.ts'

const queueUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/f1-${name}-staging`

const inputs = {
  stage: 'staging',
  region: 'eu-west-1',
  tableNames: stageTableNames('staging'),
  appOrigins: 'https://d111.cloudfront.net',
  keepAliveTimeoutMs: 72_000,
  stripePrices: { pro: 'price_pro', team: 'price_team' },
  eventQueueUrls: Object.fromEntries(
    CONSUMERS.map((c) => [c, { queueUrl: queueUrl(`${c}-events`), deadLetterQueueUrl: queueUrl(`${c}-events-dlq`) }]),
  ) as Record<Consumer, { queueUrl: string; deadLetterQueueUrl: string }>,
  simulationJobQueueUrl: queueUrl('simulation-jobs'),
  traceSampleRatio: 0.05,
}
const env = (service: ServiceName) => serviceEnvironment(service, inputs)
/** The URL variables of an app other than its event queues': the callees'. */
const calleeUrlVars = (service: ServiceName) =>
  Object.keys(env(service)).filter(
    (k) => k.endsWith('_URL') && k !== EVENT_QUEUE_URL_VAR && k !== EVENT_DEAD_LETTER_QUEUE_URL_VAR && k !== SIMULATION_JOB_QUEUE_URL_VAR,
  )

t.test('every container runs in prod mode on all interfaces, in the stack region, on its own port', async (t) => {
  for (const service of SERVICE_NAMES) {
    t.match(
      env(service),
      {
        STAGE: 'staging',
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        AWS_REGION: 'eu-west-1',
        [portVar(service)]: String(SERVICES[service].defaultPort),
      },
      service,
    )
  }
})

t.test('every app sends its spans to the collector beside it in its task, sampling new traces at the stage ratio', async (t) => {
  for (const service of SERVICE_NAMES) {
    t.match(
      env(service),
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: '0.05' },
      service,
    )
  }
})

t.test('no container gets an endpoint override: unset means the real AWS endpoints', async (t) => {
  for (const service of SERVICE_NAMES) {
    t.notOk('DYNAMODB_ENDPOINT' in env(service), service)
    t.notOk('EVENTBRIDGE_ENDPOINT' in env(service), service)
    t.notOk('SQS_ENDPOINT' in env(service), service)
    t.notOk('SERVICE_TOKEN' in env(service) || 'SERVICE_TOKEN' in serviceSecrets(service), `${service} has no shared SERVICE_TOKEN`)
  }
})

t.test("each app gets exactly its tables' variables, with the stage's names", async (t) => {
  const tableVars = new Set(TABLE_IDS.map((id) => TABLES[id].envVar as string))
  t.same(
    Object.keys(env('migrator'))
      .filter((k) => tableVars.has(k))
      .sort(),
    [
      'LEGACY_METADATA_TABLE',
      'MIGRATION_STATE_TABLE',
      'SIMULATION_RESULTS_TABLE',
      'USER_ACTIONS_LOG_TABLE',
      'USER_SUBSCRIPTIONS_TABLE',
      'USER_USAGE_TABLE',
    ],
  )
  t.same(
    Object.keys(env('gateway'))
      .filter((k) => tableVars.has(k))
      .sort(),
    ['GATEWAY_TABLE', 'LEGACY_METADATA_TABLE'],
  )
  t.same(
    Object.keys(env('usage-service')).filter((k) => tableVars.has(k)),
    ['USER_USAGE_TABLE'],
  )
  t.equal(env('usage-service').USER_USAGE_TABLE, 'f1-user-usage-staging')
  t.equal(env('simulation-service').SIMULATION_RESULTS_TABLE, 'f1-simulation-results-staging')
  for (const service of SERVICE_NAMES) {
    for (const table of serviceTables(service)) t.equal(env(service)[TABLES[table].envVar], inputs.tableNames[table])
  }
})

t.test('callers get each callee URL as its Service Connect name and port, and nothing else', async (t) => {
  t.equal(env('gateway')[urlVar('usage-service')], 'http://usage-service:3002')
  t.equal(env('simulation-service')[urlVar('usage-service')], 'http://usage-service:3002')
  for (const service of SERVICE_NAMES) {
    const urls = calleeUrlVars(service)
    t.same(
      urls.sort(),
      calleesOf(service)
        .map((c) => urlVar(c))
        .sort(),
      service,
    )
    for (const callee of calleesOf(service)) t.equal(env(service)[urlVar(callee)], serviceConnectUrl(callee))
  }
  t.same(calleeUrlVars('action-log-service'), [])
})

t.test('one token per pair: the caller holds it as <CALLEE>_TOKEN, the callee as TOKEN_FROM_<CALLER>', async (t) => {
  for (const { caller, callee } of servicePairs()) {
    t.same(serviceSecrets(caller)[tokenVar(callee)], { kind: 'service-token', caller, callee })
    t.same(serviceSecrets(callee)[callerTokenVar(caller)], { kind: 'service-token', caller, callee })
  }
  t.same(
    Object.keys(serviceSecrets('usage-service'))
      .filter((k) => k.includes('TOKEN'))
      .sort(),
    ['TOKEN_FROM_GATEWAY', 'TOKEN_FROM_SIMULATION_SERVICE'],
  )
  t.same(
    Object.keys(serviceSecrets('simulation-service'))
      .filter((k) => k.includes('TOKEN'))
      .sort(),
    ['TOKEN_FROM_GATEWAY', 'USAGE_SERVICE_TOKEN'],
  )
  t.same(
    Object.keys(serviceSecrets('action-log-service')).filter((k) => k.includes('TOKEN')),
    ['TOKEN_FROM_GATEWAY'],
    'only the token of its one caller',
  )
  t.notOk(
    Object.keys(serviceSecrets('gateway')).some((k) => k.startsWith('TOKEN_FROM_')),
    'nobody calls the gateway',
  )
})

t.test('app secrets go to their app only; no app gets EVENT_BUS_SECRET (unset, no POST /events in AWS)', async (t) => {
  for (const service of SERVICE_NAMES) {
    const secrets = serviceSecrets(service)
    t.equal('JWT_SECRET' in secrets, service === 'gateway', `${service} JWT_SECRET`)
    t.equal('STRIPE_SECRET_KEY' in secrets && 'STRIPE_WEBHOOK_SECRET' in secrets, service === 'subscription-service', `${service} Stripe`)
    t.notOk('EVENT_BUS_SECRET' in secrets || 'EVENT_BUS_SECRET' in env(service), `${service} has no EVENT_BUS_SECRET`)
  }
})

t.test("each consumer gets its own queue's and dead-letter queue's URLs; no other app gets either", async (t) => {
  for (const service of SERVICE_NAMES) {
    const e = env(service)
    if (isConsumer(service)) {
      t.equal(e.EVENT_QUEUE_URL, queueUrl(`${service}-events`), `${service} EVENT_QUEUE_URL`)
      t.equal(e.EVENT_DEAD_LETTER_QUEUE_URL, queueUrl(`${service}-events-dlq`), `${service} EVENT_DEAD_LETTER_QUEUE_URL`)
    } else {
      t.notOk('EVENT_QUEUE_URL' in e || 'EVENT_DEAD_LETTER_QUEUE_URL' in e, `${service} reads no queue`)
    }
  }
  t.same(
    SERVICE_NAMES.filter(isConsumer),
    [...CONSUMERS].sort((a, b) => SERVICE_NAMES.indexOf(a) - SERVICE_NAMES.indexOf(b)),
  )
})

t.test("the queue variables are the consumer config's own names", async (t) => {
  for (const name of [EVENT_QUEUE_URL_VAR, EVENT_DEAD_LETTER_QUEUE_URL_VAR]) t.ok(name in EventConsumerConfigProperties, name)
  t.same([EVENT_QUEUE_URL_VAR, EVENT_DEAD_LETTER_QUEUE_URL_VAR], ['EVENT_QUEUE_URL', 'EVENT_DEAD_LETTER_QUEUE_URL'])
})

t.test('the gateway trusts one proxy and allows the console origin; subscription-service gets the Stripe prices', async (t) => {
  t.match(env('gateway'), { TRUST_PROXY: '1', APP_ORIGINS: 'https://d111.cloudfront.net', KEEP_ALIVE_TIMEOUT_MS: '72000' })
  t.match(env('subscription-service'), { STRIPE_PRICE_PRO: 'price_pro', STRIPE_PRICE_TEAM: 'price_team' })
  for (const service of SERVICE_NAMES.filter((s) => s !== 'gateway')) t.notOk('TRUST_PROXY' in env(service), service)
})

t.test("simulation-service gets its job queue's URL and the job settings the queue is built for; no other app gets either", async (t) => {
  t.match(env('simulation-service'), {
    SIMULATION_JOB_QUEUE_URL: queueUrl('simulation-jobs'),
    SIMULATION_JOB_CONCURRENCY: '1',
    SIMULATION_JOB_MAX_MS: '1800000',
    SIMULATION_JOB_LEASE_MS: '30000',
    SIMULATION_JOB_MAX_ATTEMPTS: '3',
  })
  t.same(SIMULATION_JOBS, { concurrency: 1, maxMs: 30 * 60_000, leaseMs: 30_000, maxAttempts: 3 })
  for (const service of SERVICE_NAMES.filter((s) => s !== 'simulation-service')) {
    t.same(
      Object.keys(env(service)).filter((k) => k.startsWith('SIMULATION_JOB')),
      [],
      `${service} has no job variable`,
    )
  }
})

t.test("the job variables are simulation-service config's own names, and the settings its defaults", async (t) => {
  // Infra cannot import an app: its config's source is read instead (a rename there fails here).
  const config = readFileSync(join(REPO_ROOT, 'apps/simulation-service/src/config.ts'), 'utf8')
  const property = (name: string) => new RegExp(`^ {2}${name}: Type\\.`, 'm')
  t.match(config, property(SIMULATION_JOB_QUEUE_URL_VAR), 'SIMULATION_JOB_QUEUE_URL')
  t.match(
    config,
    /SIMULATION_JOB_QUEUE_URL: Type\.Optional\(\s*Type\.String\(\{\s*format: 'uri',\s*\.\.\.REQUIRED_WHEN_DEPLOYED/,
    'required in a deployed stage',
  )
  const defaults: Record<string, RegExp> = {
    SIMULATION_JOB_CONCURRENCY: /default: 1,/,
    SIMULATION_JOB_MAX_MS: /default: 30 \* 60_000,/,
    SIMULATION_JOB_LEASE_MS: /default: 30_000,/,
    SIMULATION_JOB_MAX_ATTEMPTS: /default: 3,/,
  }
  for (const [name, value] of Object.entries(defaults)) {
    t.match(config, property(name), name)
    const block = config.slice(config.search(property(name))).split(/\n {2}[A-Z_]+: |\n\}/)[0] ?? ''
    t.match(block, value, `${name}'s default is what infra sets`)
  }
})
