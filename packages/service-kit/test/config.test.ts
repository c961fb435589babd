import t from 'tap'
import Type from 'typebox'
import { BaseConfigProperties, ConfigError, loadConfig, REQUIRED_WHEN_DEPLOYED } from '../src/config.ts'

const props = { ...BaseConfigProperties, WIDGET_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3999 }) }

t.test('on the local stage (the default) the dev defaults fill what the environment leaves out', async (t) => {
  const config = loadConfig(props, { env: {} })
  t.equal(config.STAGE, 'local')
  t.equal(config.DYNAMODB_ENDPOINT, 'http://127.0.0.1:8000')
  t.equal(config.HOST, '127.0.0.1')
  t.equal(config.WIDGET_PORT, 3999)
})

t.test('any stage name is a deployment: no local endpoints, so the clients reach the real AWS ones', async (t) => {
  for (const stage of ['dev', 'staging', 'prod', 'pr-42']) {
    const config = loadConfig(props, { env: { STAGE: stage } })
    t.equal(config.STAGE, stage)
    t.equal(config.DYNAMODB_ENDPOINT, undefined, stage)
    t.equal(config.HOST, '0.0.0.0', stage)
  }
})

t.test('a stage name that cannot name AWS resources is refused', async (t) => {
  for (const stage of ['Prod', 'a', 'x'.repeat(17), 'dev_1', '1dev']) {
    t.throws(() => loadConfig(props, { env: { STAGE: stage } }), /STAGE/, stage)
  }
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

const withSecret = { ...props, JWT_SECRET: Type.String({ minLength: 32 }) }
const devDefaults = { JWT_SECRET: 'dev-jwt-secret-0123456789abcdefgh' }

t.test('a deployed stage refuses the dev default of a secret', async (t) => {
  const err = t.throws(() => loadConfig(withSecret, { env: { STAGE: 'prod', JWT_SECRET: devDefaults.JWT_SECRET }, devDefaults })) as ConfigError
  t.match(err.message, /JWT_SECRET: is the dev default; STAGE=prod needs a real value/)
})

t.test('a deployed stage requires secrets that the local stage would have defaulted', async (t) => {
  const err = t.throws(() => loadConfig(withSecret, { env: { STAGE: 'prod' }, devDefaults })) as ConfigError
  t.match(err.message, /JWT_SECRET: is required \(only STAGE=local has a default\)/)
})

t.test('a variable required when deployed may be unset locally and stops a deployed start without it', async (t) => {
  const withQueue = { ...props, QUEUE_URL: Type.Optional(Type.String({ format: 'uri', ...REQUIRED_WHEN_DEPLOYED })) }
  t.equal(loadConfig(withQueue, { env: {} }).QUEUE_URL, undefined, 'local: the feature is off')
  t.throws(() => loadConfig(withQueue, { env: { STAGE: 'prod' } }), /QUEUE_URL: is required \(only STAGE=local may leave it unset\)/)
  t.equal(loadConfig(withQueue, { env: { STAGE: 'prod', QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q' } }).QUEUE_URL, 'https://sqs.eu-west-1.amazonaws.com/1/q')
})

t.test('app-specific dev defaults apply only on the local stage', async (t) => {
  t.equal(loadConfig(withSecret, { env: {}, devDefaults }).JWT_SECRET, devDefaults.JWT_SECRET)
  t.equal(loadConfig(withSecret, { env: { STAGE: 'prod', JWT_SECRET: 'a-real-secret-of-some-length-0123456' }, devDefaults }).DYNAMODB_ENDPOINT, undefined)
})

t.test('a bad secret is named but its value is never echoed', async (t) => {
  const err = t.throws(() => loadConfig(withSecret, { env: { JWT_SECRET: 'short-secret' } })) as ConfigError
  t.match(err.message, /JWT_SECRET/)
  t.notMatch(err.message, /short-secret/)
})
