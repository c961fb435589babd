// Idempotent table creation from the definitions, for the dev stack and tests (infra/ does AWS).
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type TableDescription,
  waitUntilTableExists,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb'
import { TABLES, TABLE_IDS, type KeyAttribute, type TableDefinition, type TableId, type TableNames } from './tables.ts'

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey.name, KeyType: 'HASH' }]
  if (sortKey) schema.push({ AttributeName: sortKey.name, KeyType: 'RANGE' })
  return schema
}

function attributeDefinitions(table: TableDefinition): AttributeDefinition[] {
  const byName = new Map<string, KeyAttribute>()
  const keys = [table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]
  for (const key of keys) if (key) byName.set(key.name, key)
  return [...byName.values()].map((k) => ({ AttributeName: k.name, AttributeType: k.type }))
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined
    throw err
  }
}

/** Creates one table (keys, GSIs, TTL, on-demand billing) unless it exists; safe to race. */
export async function ensureTable(client: DynamoDBClient, id: TableId, name: string): Promise<'created' | 'exists'> {
  const table: TableDefinition = TABLES[id]
  const existing = await describe(client, name)
  if (existing) {
    // A table made before it held an outbox (kept data of `pnpm dev --data-dir`) gets its stream now.
    if (table.outbox && !existing.StreamSpecification?.StreamEnabled) {
      await alreadyDoneIsFine(
        client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } })),
        /already has an enabled stream/i,
      )
    }
    if (table.ttlAttribute) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }))
      if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') await enableTtl(client, name, table.ttlAttribute)
    }
    return 'exists'
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        // An outbox table streams its new items to the relay.
        ...(table.outbox ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } : {}),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        AttributeDefinitions: attributeDefinitions(table),
        ...(table.indexes.length > 0
          ? {
              GlobalSecondaryIndexes: table.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: 'ALL' },
              })),
            }
          : {}),
      }),
    )
  } catch (err) {
    // Another process created it between our describe and create.
    if (err instanceof ResourceInUseException) return 'exists'
    throw err
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name })
  if (table.ttlAttribute) await enableTtl(client, name, table.ttlAttribute)
  return 'created'
}

async function enableTtl(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  await alreadyDoneIsFine(
    client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } })),
    /already enabled/i,
  )
}

// Two processes ensuring the same tables at once both see the setting missing; the slower one's
// update is refused as already done, which is the outcome it wanted.
async function alreadyDoneIsFine(update: Promise<unknown>, alreadyDone: RegExp): Promise<void> {
  try {
    await update
  } catch (err) {
    if (err instanceof Error && err.name === 'ValidationException' && alreadyDone.test(err.message)) return
    throw err
  }
}

/** Creates every table that is missing; the given names decide which tables and what they are called. */
export async function ensureTables(client: DynamoDBClient, names: Partial<TableNames>): Promise<Record<string, 'created' | 'exists'>> {
  const ids = TABLE_IDS.filter((id) => names[id] !== undefined)
  const results = await Promise.all(ids.map(async (id) => [names[id], await ensureTable(client, id, names[id] as string)] as const))
  return Object.fromEntries(results)
}

/** Deletes the named tables, ignoring ones already gone (test teardown). */
export async function deleteTables(client: DynamoDBClient, names: Partial<TableNames>): Promise<void> {
  await Promise.all(
    Object.values(names).map(async (name) => {
      try {
        await client.send(new DeleteTableCommand({ TableName: name }))
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err
      }
    }),
  )
}
