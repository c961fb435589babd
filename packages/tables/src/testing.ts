// Test support: real DynamoDB Local tables under a prefix of the test file's own.
import { randomBytes } from 'node:crypto'
import { basename } from 'node:path'
import { createDynamoClients, type DynamoClients } from './client.ts'
import { deleteTables, ensureTables } from './create.ts'
import { TABLE_IDS, resolveTableNames, type TableId, type TableNames } from './tables.ts'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestTables extends DynamoClients {
  endpoint: string
  region: string
  names: TableNames
}

/** DynamoDB Local's endpoint for tests: the one `pnpm test` started, else the dev stack's. */
export function testDynamoEndpoint(): string {
  return process.env.DYNAMODB_ENDPOINT || 'http://127.0.0.1:8000'
}

/**
 * Creates fresh tables whose names carry a prefix unique to this test file and run, so
 * test files can share one DynamoDB Local in parallel. Deletes them when `t` ends.
 */
export async function useTestTables(t: Teardown, ids: readonly TableId[] = TABLE_IDS): Promise<TestTables> {
  const file = basename(process.argv[1] ?? 'test')
    .replace(/\.test\.ts$/, '')
    .replace(/[^A-Za-z0-9]/g, '')
  const prefix = `t-${file.slice(0, 24)}-${randomBytes(4).toString('hex')}-`
  const endpoint = testDynamoEndpoint()
  const region = 'us-east-1'
  // Retries as the apps' clients do: under a full parallel run DynamoDB Local's accept queue overflows
  // now and then, and a dropped connection attempt is no test's subject.
  const clients = createDynamoClients({ region, endpoint, maxAttempts: 4 })
  const names = resolveTableNames({}, prefix)
  const wanted = Object.fromEntries(ids.map((id) => [id, names[id]])) as Partial<TableNames>
  try {
    await ensureTables(clients.client, wanted)
  } catch (err) {
    clients.client.destroy()
    throw new Error(
      `DynamoDB Local is not reachable at ${endpoint}. Run the tests with \`pnpm test\` from the repository root ` +
        '(it starts DynamoDB Local), or start one with `pnpm --filter @f1/local-stack dynamodb`.',
      { cause: err },
    )
  }
  t.teardown(async () => {
    await deleteTables(clients.client, wanted)
    clients.client.destroy()
  })
  return { ...clients, endpoint, region, names }
}
