// Read access to the legacy table: parallel Scan pages, a user's items through the user_id GSI,
// items by id, the table's item count. The only write is `putGeneratedItems`, which the `generate`
// command uses to fill a dev or test table; the migration itself never writes here.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb'
import { indexName } from '@f1/tables'
import { readinessKey } from '@f1/tables/keys'
import type { Pacer } from '../lib/pacer.ts'
import { backoff, paced } from '../lib/paced-send.ts'

export type LegacyItem = Record<string, unknown>

export interface ScanPage {
  items: LegacyItem[]
  /** Where the next page starts, as a JSON string (what a checkpoint stores); undefined at the segment's end. */
  nextCursor: string | undefined
}

export interface LegacyRepositoryOptions {
  doc: DynamoDBDocumentClient
  client: DynamoDBClient
  tableName: string
  readPacer: Pacer
  writePacer?: Pacer
}

const BATCH_GET = 100
const BATCH_WRITE = 25
const USER_INDEX = indexName('legacy', 'user_id-index')

export function createLegacyRepository(options: LegacyRepositoryOptions) {
  const { doc, tableName, readPacer } = options

  return {
    /** One page of one Scan segment, from a cursor (undefined: the segment's start). */
    async scanPage(
      segment: number,
      totalSegments: number,
      cursor: string | undefined,
      limit: number,
      signal?: AbortSignal,
    ): Promise<ScanPage> {
      const res = await paced(readPacer, { cost: 0, signal }, () =>
        doc.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: totalSegments,
            Limit: limit,
            ExclusiveStartKey: cursor ? (JSON.parse(cursor) as Record<string, unknown>) : undefined,
          }),
          { abortSignal: signal },
        ),
      )
      return {
        items: (res.Items ?? []) as LegacyItem[],
        nextCursor: res.LastEvaluatedKey ? JSON.stringify(res.LastEvaluatedKey) : undefined,
      }
    },

    /** A user's items through the user_id GSI, page by page (eventually consistent, as every GSI). */
    async *userItemPages(userId: string): AsyncGenerator<LegacyItem[]> {
      let startKey: Record<string, unknown> | undefined
      do {
        const res = await paced(readPacer, { cost: 0 }, () =>
          doc.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: USER_INDEX,
              KeyConditionExpression: 'user_id = :u',
              ExpressionAttributeValues: { ':u': userId },
              ExclusiveStartKey: startKey,
            }),
          ),
        )
        startKey = res.LastEvaluatedKey
        yield (res.Items ?? []) as LegacyItem[]
      } while (startKey)
    },

    /** The items with these strategy_ids (consistent reads); absent ones are missing from the map. */
    async getItems(ids: Iterable<string>): Promise<Map<string, LegacyItem>> {
      const unique = [...new Set(ids)]
      const found = new Map<string, LegacyItem>()
      for (let i = 0; i < unique.length; i += BATCH_GET) {
        let keys: Array<Record<string, unknown>> | undefined = unique.slice(i, i + BATCH_GET).map((id) => ({ strategy_id: id }))
        for (let attempt = 0; keys && keys.length > 0; attempt++) {
          if (attempt > 0) await backoff(attempt)
          const res = await paced(readPacer, { cost: 0 }, () =>
            doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } })),
          )
          for (const item of res.Responses?.[tableName] ?? []) found.set(String(item.strategy_id), item)
          keys = res.UnprocessedKeys?.[tableName]?.Keys
        }
      }
      return found
    },

    /** The table's item count as DynamoDB reports it (AWS refreshes it about every six hours). */
    async countItems(): Promise<number | null> {
      const res = await paced(readPacer, { cost: 0 }, () => options.client.send(new DescribeTableCommand({ TableName: tableName })))
      return res.Table?.ItemCount ?? null
    },

    /**
     * Writes generated legacy items with BatchWriteItem, 25 a request, retrying UnprocessedItems with
     * backoff until every item is in. For `generate` only (dev, tests, benchmarks).
     */
    async putGeneratedItems(items: LegacyItem[]): Promise<void> {
      const pacer = options.writePacer ?? readPacer
      for (let i = 0; i < items.length; i += BATCH_WRITE) {
        let requests = items.slice(i, i + BATCH_WRITE).map((Item) => ({ PutRequest: { Item } }))
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0) {
            // A partly processed batch is DynamoDB saying "slow down" without an error.
            pacer.onThrottle()
            await backoff(attempt, 50, 5_000)
          }
          const res = await paced(pacer, { cost: requests.length }, () =>
            doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } })),
          )
          requests = (res.UnprocessedItems?.[tableName] ?? []) as typeof requests
        }
      }
    },

    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName: tableName, Key: readinessKey('legacy') }), { abortSignal: signal })
    },
  }
}

export type LegacyRepository = ReturnType<typeof createLegacyRepository>
