// `f1-local dynamodb`: DynamoDB Local in the foreground with the tables created.
import { createDynamoClients } from '@f1/tables/client'
import { ensureTables } from '@f1/tables/create'
import { resolveTableNames } from '@f1/tables'
import { startDynamoDbLocal } from '../dynamodb.ts'
import { onShutdownSignal } from './signals.ts'

export async function runDynamoDb(options: { port: number; dataDir?: string | undefined }): Promise<number> {
  const ddb = await startDynamoDbLocal({ port: options.port, dataDir: options.dataDir })
  onShutdownSignal(() => ddb.stop())
  const { client } = createDynamoClients({ region: 'us-east-1', endpoint: ddb.endpoint })
  const created = await ensureTables(client, resolveTableNames(process.env))
  client.destroy()
  for (const [name, state] of Object.entries(created)) console.log(`table ${name}: ${state}`)
  console.log(`DynamoDB Local on ${ddb.endpoint} (${options.dataDir ? `data in ${options.dataDir}` : 'in memory'}); Ctrl-C stops it.`)
  await new Promise<void>((resolve) => ddb.process.once('exit', () => resolve()))
  return 1
}
