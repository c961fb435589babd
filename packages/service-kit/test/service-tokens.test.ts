import t from 'tap'
import { PassThrough } from 'node:stream'
import Type from 'typebox'
import { callerTokenVar, tokenVar } from '@f1/contracts/services'
import { createServiceApp } from '../src/app.ts'
import { BaseConfigProperties, callerTokens, callerTokensConfig, ConfigError, defineConfig, devServiceToken, localCallerTokens, localServiceCalls, serviceCallConfig } from '../src/config.ts'
import { requireServiceToken } from '../src/service-auth.ts'
import { serviceTokenEnv } from '../src/testing.ts'

// usage-service as the callee: the gateway and simulation-service call it, each with a token of its own.
const usageSpec = defineConfig({ ...BaseConfigProperties, ...callerTokensConfig('usage-service') }, localCallerTokens('usage-service'))
const simulationSpec = defineConfig(
  { ...BaseConfigProperties, ...serviceCallConfig('usage-service', 'Base URL of usage-service'), ...callerTokensConfig('simulation-service') },
  { ...localServiceCalls('simulation-service'), ...localCallerTokens('simulation-service') },
)

function usageApp(tokens: Record<string, string>) {
  const stream = new PassThrough()
  let written = ''
  stream.on('data', (chunk: Buffer) => (written += chunk))
  const app = createServiceApp({ name: 'usage-service', config: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: 1024 }, logger: { stream } })
  app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(tokens))
    scope.get('/caller', async (request) => {
      request.log.info('served')
      return { ok: true }
    })
  })
  /** The callers the "served" log lines name, in order. */
  const callers = () =>
    written
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string; caller?: string })
      .filter((entry) => entry.msg === 'served')
      .map((entry) => entry.caller)
  return { app, callers }
}

t.test('a callee accepts each caller only with the token of that pair, and its log names the caller', async (t) => {
  const config = usageSpec.load({ env: { TOKEN_FROM_GATEWAY: 'gateway-to-usage-token', TOKEN_FROM_SIMULATION_SERVICE: 'simulation-to-usage-token' } })
  const { app, callers } = usageApp(callerTokens(config, 'usage-service'))
  const call = (token: string) => app.inject({ url: '/caller', headers: { 'x-service-token': token } })
  t.equal((await call('gateway-to-usage-token')).statusCode, 200)
  t.equal((await call('simulation-to-usage-token')).statusCode, 200)
  t.same(callers(), ['gateway', 'simulation-service'])
  // A token of another pair (the gateway's for the simulation service) opens nothing here.
  t.equal((await call('gateway-to-simulation-token')).statusCode, 401)
  t.equal((await app.inject('/caller')).statusCode, 401)
})

t.test('the local stack gives every pair its own dev token, the caller and the callee the same one', async (t) => {
  const usage = usageSpec.load({ env: {} })
  const simulation = simulationSpec.load({ env: {} })
  t.equal(simulation.USAGE_SERVICE_TOKEN, devServiceToken('simulation-service', 'usage-service'))
  t.equal(usage.TOKEN_FROM_SIMULATION_SERVICE, simulation.USAGE_SERVICE_TOKEN)
  t.not(usage.TOKEN_FROM_GATEWAY, usage.TOKEN_FROM_SIMULATION_SERVICE)
  t.equal(simulation.USAGE_SERVICE_URL, 'http://127.0.0.1:3002')
})

t.test('a deployed stage refuses the dev tokens and starts with real ones', async (t) => {
  const devTokens = { ...localCallerTokens('usage-service') }
  const err = t.throws(() => usageSpec.load({ env: { STAGE: 'staging', ...devTokens } })) as ConfigError
  t.match(err.message, /TOKEN_FROM_GATEWAY: is the dev default; STAGE=staging needs a real value/)
  t.match(err.message, /TOKEN_FROM_SIMULATION_SERVICE: is the dev default/)
  const missing = t.throws(() => usageSpec.load({ env: { STAGE: 'pr-42' } })) as ConfigError
  t.match(missing.message, /TOKEN_FROM_GATEWAY: is required \(only STAGE=local has a default\)/)
  const config = usageSpec.load({ env: { STAGE: 'staging', TOKEN_FROM_GATEWAY: 'a'.repeat(32), TOKEN_FROM_SIMULATION_SERVICE: 'b'.repeat(32) } })
  t.equal(config.STAGE, 'staging')
})

t.test('serviceTokenEnv sets every token a service presents and accepts', async (t) => {
  t.same(Object.keys(serviceTokenEnv('simulation-service')).sort(), [tokenVar('usage-service'), callerTokenVar('gateway')].sort())
  t.same(Object.keys(serviceTokenEnv('gateway')).length, 5)
})

t.test('requireServiceToken without any caller is a programming error', async (t) => {
  t.throws(() => requireServiceToken({}), /at least one caller/)
  // The schema of a caller's token is a secret's: too short is refused without echoing it.
  const spec = defineConfig({ ...BaseConfigProperties, X_TOKEN: Type.String({ minLength: 16 }) })
  const err = t.throws(() => spec.load({ env: { X_TOKEN: 'short' } })) as ConfigError
  t.notMatch(err.message, /short"/)
})
