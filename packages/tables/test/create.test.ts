import t from 'tap'
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import { createDynamoClients } from '../src/client.ts'
import { deleteTables, ensureTables } from '../src/create.ts'
import { TABLES, TABLE_IDS, resolveTableNames } from '../src/tables.ts'
import { testDynamoEndpoint } from '../src/testing.ts'

const { client } = createDynamoClients({ region: 'us-east-1', endpoint: testDynamoEndpoint() })
t.teardown(() => client.destroy())

function uniquePrefix() {
  return `t-create-${Math.random().toString(36).slice(2, 8)}-`
}

t.test('creates every table with the keys, indexes and TTL of their definitions', async (t) => {
  const names = resolveTableNames({}, uniquePrefix())
  t.teardown(() => deleteTables(client, names))
  const created = await ensureTables(client, names)
  t.same(
    Object.values(created),
    TABLE_IDS.map(() => 'created'),
  )
  for (const id of TABLE_IDS) {
    const def = TABLES[id]
    const { Table } = await client.send(new DescribeTableCommand({ TableName: names[id] }))
    const keys = Table?.KeySchema?.map((k) => `${k.KeyType}:${k.AttributeName}`)
    t.same(keys, ['HASH:' + def.partitionKey.name, ...('sortKey' in def ? ['RANGE:' + def.sortKey.name] : [])], `${id} keys`)
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => ({
      name: i.IndexName,
      keys: i.KeySchema?.map((k) => `${k.KeyType}:${k.AttributeName}`),
    }))
    t.same(
      indexes.sort((a, b) => String(a.name).localeCompare(String(b.name))),
      def.indexes
        .map((i) => ({
          name: i.name,
          keys: ['HASH:' + i.partitionKey.name, ...('sortKey' in i && i.sortKey ? ['RANGE:' + i.sortKey.name] : [])],
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      `${id} indexes`,
    )
    t.equal(Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST', 'PAY_PER_REQUEST')
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names[id] }))
    const expected = 'ttlAttribute' in def ? def.ttlAttribute : undefined
    t.equal(ttl.TimeToLiveDescription?.AttributeName, expected, `${id} TTL attribute`)
  }
})

t.test('creating again finds the tables and changes nothing', async (t) => {
  const names = resolveTableNames({}, uniquePrefix())
  t.teardown(() => deleteTables(client, names))
  await ensureTables(client, names)
  t.same(
    Object.values(await ensureTables(client, names)),
    TABLE_IDS.map(() => 'exists'),
  )
})

t.test('two processes creating the same tables at once both succeed', async (t) => {
  const names = resolveTableNames({}, uniquePrefix())
  t.teardown(() => deleteTables(client, names))
  const [a, b] = await Promise.all([ensureTables(client, names), ensureTables(client, names)])
  for (const name of Object.values(names)) t.ok([a[name], b[name]].includes('created') || a[name] === 'exists', name)
})

t.test('a table made before it held an outbox gets its stream and TTL when the tables are ensured again', async (t) => {
  const names = resolveTableNames({}, uniquePrefix())
  t.teardown(() => deleteTables(client, { simulations: names.simulations }))
  // As an old `pnpm dev --data-dir` made it: keys only, no stream, no TTL.
  await client.send(
    new CreateTableCommand({
      TableName: names.simulations,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'simulation_id', KeyType: 'HASH' },
        { AttributeName: 'created_at', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'simulation_id', AttributeType: 'S' },
        { AttributeName: 'created_at', AttributeType: 'S' },
      ],
    }),
  )
  t.same(await ensureTables(client, { simulations: names.simulations }), { [names.simulations]: 'exists' })
  const { Table } = await client.send(new DescribeTableCommand({ TableName: names.simulations }))
  t.match(Table?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' })
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.simulations }))
  t.equal(ttl.TimeToLiveDescription?.AttributeName, 'expires_at')
})
