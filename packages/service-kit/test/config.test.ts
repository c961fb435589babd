import t from 'tap'
import Type from 'typebox'
import { BaseConfigProperties, ConfigError, loadConfig } from '../src/config.ts'

const props = { ...BaseConfigProperties, WIDGET_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3999 }) }

t.test('outside prod the dev defaults fill what the environment leaves out', async (t) => {
  const config = loadConfig(props, { env: {} })
  t.equal(config.STAGE, 'dev')
  t.equal(config.DYNAMODB_ENDPOINT, 'http://127.0.0.1:8000')
  t.equal(config.HOST, '127.0.0.1')
  t.equal(config.WIDGET_PORT, 3999)
  t.ok(config.SERVICE_TOKEN.length >= 16)
})

t.test('numbers arrive as strings and are converted', async (t) => {
  const config = loadConfig(props, { env: { WIDGET_PORT: '4100', SHUTDOWN_TIMEOUT_MS: '250' } })
  t.equal(config.WIDGET_PORT, 4100)
  t.equal(config.SHUTDOWN_TIMEOUT_MS, 250)
})

t.test('a bad value stops start-up with a message naming the variable and the value', async (t) => {
  const err = t.throws(() => loadConfig(props, { env: { WIDGET_PORT: 'eighty', LOG_LEVEL: 'loud' } })) as ConfigError
  t.type(err, ConfigError)
  t.match(err.message, /WIDGET_PORT: .*"eighty"/)
  t.match(err.message, /LOG_LEVEL/)
})

t.test('prod refuses the dev default of a secret', async (t) => {
  const err = t.throws(() =>
    loadConfig(props, { env: { STAGE: 'prod', SERVICE_TOKEN: 'dev-service-token-not-for-production' } }),
  ) as ConfigError
  t.match(err.message, /SERVICE_TOKEN: is the dev default/)
})

t.test('prod requires secrets that dev would have defaulted', async (t) => {
  const err = t.throws(() => loadConfig(props, { env: { STAGE: 'prod' } })) as ConfigError
  t.match(err.message, /SERVICE_TOKEN: is required \(STAGE=prod has no default\)/)
})

t.test('prod with real values starts without endpoint overrides', async (t) => {
  const config = loadConfig(props, { env: { STAGE: 'prod', SERVICE_TOKEN: 'a-real-secret-of-some-length' } })
  t.equal(config.DYNAMODB_ENDPOINT, undefined)
  t.equal(config.HOST, '0.0.0.0')
})

t.test('app-specific dev defaults apply only outside prod', async (t) => {
  const devDefaults = { JWT_SECRET: 'dev-jwt-secret-0123456789abcdefgh' }
  const withSecret = { ...props, JWT_SECRET: Type.String({ minLength: 32 }) }
  t.equal(loadConfig(withSecret, { env: {}, devDefaults }).JWT_SECRET, devDefaults.JWT_SECRET)
  t.throws(
    () => loadConfig(withSecret, { env: { STAGE: 'prod', SERVICE_TOKEN: 'a-real-secret-of-some-length' }, devDefaults }),
    /JWT_SECRET/,
  )
})

t.test('a bad secret is named but its value is never echoed', async (t) => {
  const err = t.throws(() => loadConfig(props, { env: { SERVICE_TOKEN: 'short-secret' } })) as ConfigError
  t.match(err.message, /SERVICE_TOKEN/)
  t.notMatch(err.message, /short-secret/)
})
