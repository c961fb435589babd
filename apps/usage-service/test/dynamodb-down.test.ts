import t from 'tap'
import { startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { errorOf } from '@f1/service-kit/testing'
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { auth, build, userId } from './helper.ts'

t.test('with DynamoDB stopped, /ready says not ready and requests answer 503 with Retry-After quickly', async (t) => {
  // A DynamoDB Local of this test's own, since stopping the shared one would break the others.
  const ddb = await startDynamoDbLocal()
  t.teardown(() => ddb.stop())
  const { client } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
  await ensureTables(client, { usage: 'usage-down-test' })
  client.destroy()
  const { app } = await build(t, { endpoint: ddb.endpoint, tableName: 'usage-down-test' })
  const user = userId()
  const consume = {
    method: 'POST' as const,
    url: `/users/${user}/usage/consume`,
    headers: auth,
    payload: { feature: 'api_request', limit: 5 },
  }

  t.equal((await app.inject('/ready')).statusCode, 200, 'ready while DynamoDB answers')
  t.equal((await app.inject(consume)).statusCode, 200)

  await ddb.stop()
  const started = Date.now()
  const res = await app.inject(consume)
  t.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`)
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.equal(errorOf(res).code, 'DEPENDENCY_UNAVAILABLE')
  t.notMatch(res.body, /ECONNREFUSED|at .*\.ts/, 'no internals in the body')

  const read = await app.inject({ url: `/users/${user}/usage`, headers: auth })
  t.equal(read.statusCode, 503)

  const ready = await app.inject('/ready')
  t.equal(ready.statusCode, 503)
  t.match(ready.json(), { status: 'not_ready' })
})
