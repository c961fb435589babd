import t from 'tap'
import { TABLE_IDS, TABLES, type IndexDefinition, type KeyAttribute, type TableDefinition } from '@f1/tables'
import { OUTBOX_TABLE_IDS } from '@f1/tables/outbox'
import { tableName } from '../src/names.ts'
import { resourceWhere, resources, synthesize } from './helper.ts'

const { data } = synthesize()

// The CloudFormation shape each definition must produce, derived from @f1/tables itself.
function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [{ AttributeName: partitionKey.name, KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : [])]
}

function keyAttributes(definition: TableDefinition): Map<string, string> {
  const keys: KeyAttribute[] = [definition.partitionKey]
  if (definition.sortKey) keys.push(definition.sortKey)
  for (const index of definition.indexes) {
    keys.push(index.partitionKey)
    if (index.sortKey) keys.push(index.sortKey)
  }
  return new Map(keys.map((key) => [key.name, key.type]))
}

const byName = <T extends { IndexName?: unknown }>(a: T, b: T) => String(a.IndexName).localeCompare(String(b.IndexName))

t.test('the stack has exactly one table per definition', async (t) => {
  t.equal(Object.keys(resources(data, 'AWS::DynamoDB::Table')).length, TABLE_IDS.length)
})

t.test('the outbox tables are subscriptions, usage, simulations, gateway and migration', async (t) => {
  t.same([...OUTBOX_TABLE_IDS].sort(), ['gateway', 'migration', 'simulations', 'subscriptions', 'usage'])
})

for (const id of TABLE_IDS) {
  const definition: TableDefinition = TABLES[id]
  const name = tableName(id, 'dev')

  t.test(`${id}: keys and attribute types equal the @f1/tables definition`, async (t) => {
    const [, table] = resourceWhere(data, 'AWS::DynamoDB::Table', 'TableName', name)
    t.same(table.Properties?.KeySchema, keySchema(definition.partitionKey, definition.sortKey))
    const attributes = table.Properties?.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]
    t.same(new Map(attributes.map((a) => [a.AttributeName, a.AttributeType])), keyAttributes(definition))
    t.equal(attributes.length, keyAttributes(definition).size, 'no attribute is declared twice or without a key')
  })

  t.test(`${id}: global secondary indexes equal the definition, projecting ALL`, async (t) => {
    const [, table] = resourceWhere(data, 'AWS::DynamoDB::Table', 'TableName', name)
    const expected = definition.indexes.map((index: IndexDefinition) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: 'ALL' },
    }))
    const actual = (table.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]
    t.same([...actual].sort(byName), [...expected].sort(byName))
  })

  t.test(`${id}: TTL ${definition.ttlAttribute ? `on ${definition.ttlAttribute}` : 'is not set'}`, async (t) => {
    const [, table] = resourceWhere(data, 'AWS::DynamoDB::Table', 'TableName', name)
    if (definition.ttlAttribute) {
      t.same(table.Properties?.TimeToLiveSpecification, { AttributeName: definition.ttlAttribute, Enabled: true })
    } else {
      t.equal(table.Properties?.TimeToLiveSpecification, undefined)
    }
  })

  t.test(`${id}: ${definition.outbox ? 'streams new images for its outbox relay' : 'has no stream (it holds no outbox)'}`, async (t) => {
    const [, table] = resourceWhere(data, 'AWS::DynamoDB::Table', 'TableName', name)
    t.same(table.Properties?.StreamSpecification, definition.outbox ? { StreamViewType: 'NEW_IMAGE' } : undefined)
  })

  t.test(`${id}: on-demand, encrypted, recoverable and never deleted with the stack`, async (t) => {
    const [, table] = resourceWhere(data, 'AWS::DynamoDB::Table', 'TableName', name)
    t.equal(table.Properties?.BillingMode, 'PAY_PER_REQUEST')
    t.same(table.Properties?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true })
    t.equal(table.Properties?.DeletionProtectionEnabled, true)
    // SSEEnabled without a key means KMS with the AWS-managed key (alias/aws/dynamodb).
    t.same(table.Properties?.SSESpecification, { SSEEnabled: true })
    t.equal(table.DeletionPolicy, 'Retain')
    t.equal(table.UpdateReplacePolicy, 'Retain')
  })
}
