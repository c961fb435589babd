import t from 'tap'
import { isDynamoUnavailable } from '../src/errors.ts'
import { TABLES, resolveTableNames, tableNameConfig, tableNamesToEnv } from '../src/tables.ts'

t.test('table names default to the seed names and follow their env vars', async (t) => {
  t.match(resolveTableNames({}), {
    subscriptions: 'f1-user-subscriptions-dev',
    usage: 'f1-user-usage-dev',
    actions: 'f1-user-actions-log-dev',
    simulations: 'f1-simulation-results',
    legacy: 'f1-strategy-metadata-dev',
  })
  const names = resolveTableNames({ USER_USAGE_TABLE: 'usage-prod' }, 'x-')
  t.equal(names.usage, 'x-usage-prod')
  t.equal(names.legacy, 'x-f1-strategy-metadata-dev')
})

t.test('names go back to the env vars apps read', async (t) => {
  t.same(tableNamesToEnv({ usage: 'u1', legacy: 'l1' }), { USER_USAGE_TABLE: 'u1', LEGACY_METADATA_TABLE: 'l1' })
})

t.test('an app config names only the tables it asks for, with the seed default', async (t) => {
  const props = tableNameConfig('usage', 'legacy')
  t.same(Object.keys(props).sort(), ['LEGACY_METADATA_TABLE', 'USER_USAGE_TABLE'])
  t.equal((props.USER_USAGE_TABLE as { default?: string }).default, TABLES.usage.defaultName)
})

t.test('network failures, throttling and server faults count as unavailable; caller mistakes do not', async (t) => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra })
  t.ok(isDynamoUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })))
  t.ok(isDynamoUnavailable(named('ProvisionedThroughputExceededException', { $metadata: { httpStatusCode: 400 } })))
  t.ok(isDynamoUnavailable(named('TimeoutError')))
  t.ok(isDynamoUnavailable(named('InternalServerError', { $fault: 'server', $metadata: { httpStatusCode: 500 } })))
  t.notOk(isDynamoUnavailable(named('ValidationException', { $fault: 'client', $metadata: { httpStatusCode: 400 } })))
  t.notOk(isDynamoUnavailable(named('ConditionalCheckFailedException', { $fault: 'client', $metadata: { httpStatusCode: 400 } })))
  t.notOk(isDynamoUnavailable('not an error'))
})
