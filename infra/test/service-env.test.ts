import t from 'tap'
import { calleesOf, callerTokenVar, portVar, SERVICE_NAMES, SERVICES, servicePairs, tokenVar, urlVar, type ServiceName } from '@f1/contracts/services'
import { CONSUMERS } from '@f1/events/rules'
import { TABLE_IDS, TABLES } from '@f1/tables'
import { stageTableNames } from '../src/names.ts'
import { serviceConnectUrl, serviceEnvironment, serviceSecrets, serviceTables } from '../src/service-env.ts'

const inputs = {
  stage: 'staging',
  region: 'eu-west-1',
  tableNames: stageTableNames('staging'),
  appOrigins: 'https://d111.cloudfront.net',
  keepAliveTimeoutMs: 72_000,
  stripePrices: { pro: 'price_pro', team: 'price_team' },
}
const env = (service: ServiceName) => serviceEnvironment(service, inputs)

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

t.test('no container gets an endpoint override: unset means the real AWS endpoints', async (t) => {
  for (const service of SERVICE_NAMES) {
    t.notOk('DYNAMODB_ENDPOINT' in env(service), service)
    t.notOk('EVENTBRIDGE_ENDPOINT' in env(service), service)
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
    const urls = Object.keys(env(service)).filter((k) => k.endsWith('_URL'))
    t.same(
      urls.sort(),
      calleesOf(service)
        .map((c) => urlVar(c))
        .sort(),
      service,
    )
    for (const callee of calleesOf(service)) t.equal(env(service)[urlVar(callee)], serviceConnectUrl(callee))
  }
  t.same(
    Object.keys(env('action-log-service')).filter((k) => k.endsWith('_URL')),
    [],
  )
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

t.test('app secrets go to their app only; the bus secret to the consumers', async (t) => {
  for (const service of SERVICE_NAMES) {
    const secrets = serviceSecrets(service)
    t.equal('JWT_SECRET' in secrets, service === 'gateway', `${service} JWT_SECRET`)
    t.equal('STRIPE_SECRET_KEY' in secrets && 'STRIPE_WEBHOOK_SECRET' in secrets, service === 'subscription-service', `${service} Stripe`)
    t.equal('EVENT_BUS_SECRET' in secrets, (CONSUMERS as readonly string[]).includes(service), `${service} EVENT_BUS_SECRET`)
  }
})

t.test('the gateway trusts one proxy and allows the console origin; subscription-service gets the Stripe prices', async (t) => {
  t.match(env('gateway'), { TRUST_PROXY: '1', APP_ORIGINS: 'https://d111.cloudfront.net', KEEP_ALIVE_TIMEOUT_MS: '72000' })
  t.match(env('subscription-service'), { STRIPE_PRICE_PRO: 'price_pro', STRIPE_PRICE_TEAM: 'price_team' })
  for (const service of SERVICE_NAMES.filter((s) => s !== 'gateway')) t.notOk('TRUST_PROXY' in env(service), service)
})
