import t from 'tap'
import { ConfigError } from '@f1/service-kit/config'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { loadGatewayConfig } from '../src/config.ts'

const prodBase = { STAGE: 'prod', ...serviceTokenEnv('gateway', 'a-production-service-token'), USAGE_SERVICE_URL: 'https://usage.internal' }

t.test('a deployed stage refuses to start the gateway without JWT_SECRET', async (t) => {
  const err = t.throws(() => loadGatewayConfig({ env: prodBase })) as ConfigError
  t.type(err, ConfigError)
  t.match(err.message, /JWT_SECRET: is required \(only STAGE=local has a default\)/)
})

t.test('a deployed stage needs every service URL and token', async (t) => {
  t.throws(() => loadGatewayConfig({ env: { ...prodBase, SIMULATION_SERVICE_TOKEN: '', JWT_SECRET: 'x'.repeat(40) } }), /SIMULATION_SERVICE_TOKEN: is required/)
  const { USAGE_SERVICE_URL: _, ...withoutUrl } = prodBase
  t.throws(() => loadGatewayConfig({ env: { ...withoutUrl, JWT_SECRET: 'x'.repeat(40) } }), /USAGE_SERVICE_URL/)
})

t.test('on the local stage a signing secret is generated, different on every start', async (t) => {
  const a = loadGatewayConfig({ env: {} })
  const b = loadGatewayConfig({ env: {} })
  t.ok(a.JWT_SECRET.length >= 32)
  t.not(a.JWT_SECRET, b.JWT_SECRET)
})

t.test('a short JWT_SECRET is refused without echoing it', async (t) => {
  const err = t.throws(() => loadGatewayConfig({ env: { JWT_SECRET: 'too-short' } })) as ConfigError
  t.match(err.message, /JWT_SECRET/)
  t.notMatch(err.message, /too-short/)
})
