import t from 'tap'
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { createDynamoClients } from '@f1/tables/client'
import { freePort, startDynamoDbLocal } from '../src/dynamodb.ts'

t.test('DynamoDB Local starts on a free port, serves every client the same tables, and stops without leaving java', async (t) => {
  const ddb = await startDynamoDbLocal()
  t.teardown(() => ddb.stop())
  t.match(ddb.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/)
  const a = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
  const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb')
  await a.client.send(
    new CreateTableCommand({
      TableName: 'shared-check',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }),
  )
  // Another region and other credentials: without -sharedDb this client would see no table.
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb')
  const b = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: ddb.endpoint,
    credentials: { accessKeyId: 'other', secretAccessKey: 'other' },
  })
  t.same((await b.send(new ListTablesCommand({}))).TableNames, ['shared-check'])
  a.client.destroy()
  b.destroy()
  const pid = ddb.process.pid
  await ddb.stop()
  t.not(ddb.process.exitCode === null && ddb.process.signalCode === null, true, 'the JVM has exited')
  t.throws(() => process.kill(pid as number, 0), { code: 'ESRCH' }, 'no java process is left behind')
})

t.test('starting on a port that is taken fails with a clear message', async (t) => {
  const ddb = await startDynamoDbLocal({ port: await freePort() })
  t.teardown(() => ddb.stop())
  await t.rejects(startDynamoDbLocal({ port: ddb.port }), /already in use/)
})
