// The migration table as every part of the state repository reaches it: one document client, one
// table name, and one pacer that every request goes through (so throttling anywhere slows them all);
// and what the parts share: paged queries, conditional writes, items read back without their key.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb'
import type { Pacer } from '../../lib/pacer.ts'
import { paced } from '../../lib/paced-send.ts'

/** An item as the document client reads it. */
export type StateItem = NonNullable<QueryCommandOutput['Items']>[number]

export interface StateTableOptions {
  doc: DynamoDBDocumentClient
  tableName: string
  pacer: Pacer
}

export interface StateTable {
  doc: DynamoDBDocumentClient
  TableName: string
  /** Sends through the pacer; `cost` is the number of items written (0 for reads). */
  send<T>(fn: () => Promise<T>, cost?: number): Promise<T>
}

export function stateTable(options: StateTableOptions): StateTable {
  const { doc, tableName, pacer } = options
  return { doc, TableName: tableName, send: (fn, cost = 0) => paced(pacer, { cost }, fn) }
}

/** A partition's items (those whose sort key starts with `beginsWith`, if given), a page at a time, in sort key order. */
export async function* queryPages(table: StateTable, pk: string, beginsWith?: string): AsyncGenerator<StateItem[]> {
  const { doc, TableName } = table
  let startKey: Record<string, unknown> | undefined
  do {
    const res = await table.send(() =>
      doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: beginsWith ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: beginsWith ? { ':pk': pk, ':prefix': beginsWith } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    )
    yield res.Items ?? []
    startKey = res.LastEvaluatedKey
  } while (startKey)
}

/** A partition's newest items first (its sort keys sort by time), at most `limit`. */
export async function newestItems(table: StateTable, pk: string, limit: number): Promise<StateItem[]> {
  const { doc, TableName } = table
  const res = await table.send(() =>
    doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    ),
  )
  return res.Items ?? []
}

/** An item without its table key: the record it stores. */
export function withoutKey({ pk: _pk, sk: _sk, ...record }: StateItem): StateItem {
  return record
}

/** Runs a conditional write; false when its condition failed (any other error is thrown). */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write()
    return true
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false
    throw err
  }
}
