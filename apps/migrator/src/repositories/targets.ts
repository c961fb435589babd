// Writes migrated rows into the four new tables, and reads them back for verify. Every write is
// conditional: a row that exists is never overwritten, whoever wrote it; usage counts are added once
// per legacy id. Writes go out as TransactWriteItems of up to `batchSize` independent conditional
// puts (a conditional batch: BatchWriteItem cannot carry conditions); a cancelled transaction's
// per-item reasons say which rows existed, and the rest is sent again.
import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb'
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import type { TargetTable } from '@f1/legacy/result'
import { TABLES } from '@f1/tables'
import { cancellationReasons } from '@f1/tables/transactions'
import type { Pacer } from '../lib/pacer.ts'
import type { RowOutcome } from '../lib/report.ts'
import { THROTTLING_REASONS, backoff, paced } from '../lib/paced-send.ts'

export type TargetRow = Record<string, unknown>

/** One row to write for one legacy item (usage rows carry exactly one legacy id). */
export interface WriteOp {
  table: TargetTable
  legacyId: string
  item: TargetRow
}

export interface WriteResult {
  outcome: RowOutcome
  detail?: string
}

export interface TargetsRepositoryOptions {
  doc: DynamoDBDocumentClient
  names: Record<TargetTable, string>
  writePacer: Pacer
  readPacer: Pacer
  /** Conditional puts per TransactWriteItems call; 1 sends single PutItem calls. */
  batchSize: number
}

// TransactWriteItems takes at most 4 MB; stay well under it whatever the items weigh.
const MAX_TRANSACTION_BYTES = 3_500_000
const BATCH_GET = 100
/** Rounds of conflicts after which the remaining rows are sent one by one. */
const CONFLICT_ROUNDS = 6

const keyNames = (table: TargetTable): [string, string] => {
  const def = TABLES[table]
  return [def.partitionKey.name, def.sortKey.name]
}

/** The key attributes of a row of `table`. */
export function keyOf(table: TargetTable, row: object): Record<string, unknown> {
  const [pk, sk] = keyNames(table)
  const r = row as TargetRow
  return { [pk]: r[pk], [sk]: r[sk] }
}

/** A string naming a row of a table, for maps and messages. */
export function rowId(table: TargetTable, row: object): string {
  const [pk, sk] = keyNames(table)
  const r = row as TargetRow
  return `${table}:${String(r[pk])}/${String(r[sk])}`
}

const idsOf = (value: unknown): Set<string> =>
  value instanceof Set ? (value as Set<string>) : new Set(Array.isArray(value) ? (value as string[]) : [])

export function createTargetsRepository(options: TargetsRepositoryOptions) {
  const { doc, names, writePacer, readPacer } = options

  /** The conditional put that creates the row if nothing has its key yet. */
  function putFor(op: WriteOp): PutCommandInput {
    const [pk] = keyNames(op.table)
    const item =
      op.table === 'usage'
        ? // Stored as a string set so that later merges can test and ADD ids atomically.
          { ...op.item, legacy_ids: new Set([op.legacyId]), migrated_count: op.item.usage_count }
        : op.item
    return {
      TableName: names[op.table],
      Item: item,
      // Whoever wrote the key first (live traffic, an earlier run, the lazy migration) keeps it.
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': pk },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }
  }

  /** Adds one legacy item's count to an existing usage row unless its id is on the row already. */
  async function mergeUsage(op: WriteOp, signal?: AbortSignal): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await mergeUsageOnce(op, signal)
      } catch (err) {
        // A transaction (another segment's, a lazy migration's) holds the row for a moment.
        if (!(err instanceof Error && err.name === 'TransactionConflictException') || attempt >= 20) throw err
        await backoff(attempt)
      }
    }
  }

  async function mergeUsageOnce(op: WriteOp, signal?: AbortSignal): Promise<WriteResult> {
    try {
      const res = await paced(writePacer, { cost: 1, signal }, () =>
        doc.send(
          new UpdateCommand({
            TableName: names.usage,
            Key: keyOf('usage', op.item),
            UpdateExpression:
              'ADD usage_count :c, migrated_count :c, legacy_ids :ids ' +
              'SET feature_name = if_not_exists(feature_name, :f), reset_date = if_not_exists(reset_date, :r), ' +
              'migrated_from = if_not_exists(migrated_from, :id), migrated_at = :at, expires_at = if_not_exists(expires_at, :exp)',
            // The exactly-once rule: a legacy id on the row was counted; bulk runs, resumes and lazy
            // migrations racing on the same row each add it at most once.
            ConditionExpression: 'attribute_not_exists(legacy_ids) OR NOT contains(legacy_ids, :id)',
            ExpressionAttributeValues: {
              ':c': op.item.usage_count,
              ':ids': new Set([op.legacyId]),
              ':id': op.legacyId,
              ':f': op.item.feature_name,
              ':r': op.item.reset_date,
              ':at': op.item.migrated_at,
              ':exp': op.item.expires_at,
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        ),
      )
      return { outcome: res.Attributes?.usage_count === undefined ? 'written' : 'merged' }
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { outcome: 'already_counted' }
      throw err
    }
  }

  async function getRow(table: TargetTable, row: TargetRow): Promise<TargetRow | undefined> {
    const res = await paced(readPacer, { cost: 0 }, () =>
      doc.send(new GetCommand({ TableName: names[table], Key: keyOf(table, row), ConsistentRead: true })),
    )
    return res.Item
  }

  /** What an existing row means for this op; undefined when the row is gone again (send the put again). */
  async function resolveExisting(op: WriteOp, existing: TargetRow | undefined, signal?: AbortSignal): Promise<WriteResult | undefined> {
    const row = existing ?? (await getRow(op.table, op.item))
    if (!row) return undefined
    if (op.table === 'usage') return idsOf(row.legacy_ids).has(op.legacyId) ? { outcome: 'already_counted' } : mergeUsage(op, signal)
    return { outcome: row.migrated_from === op.legacyId ? 'already_present' : 'kept_live' }
  }

  const fromRaw = (item: Record<string, AttributeValue> | undefined) => (item ? (unmarshall(item) as TargetRow) : undefined)
  const refused = (err: unknown): err is Error => err instanceof Error && err.name === 'ValidationException'

  return {
    /**
     * Writes each op's row unless its key exists, in order of the ops: one result per op. Throws only
     * when DynamoDB stays unavailable (after retries) or the signal aborts.
     */
    async writeRows(ops: readonly WriteOp[], signal?: AbortSignal): Promise<WriteResult[]> {
      const results: Array<WriteResult | undefined> = new Array(ops.length)
      const alone = new Set<number>()
      const sizes = ops.map((op) => JSON.stringify(op.item).length)

      // Rows of distinct keys per transaction (a transaction may touch an item once).
      const chunk = (pending: number[], batchSize: number): number[][] => {
        const chunks: Array<{ members: number[]; keys: Set<string>; bytes: number }> = []
        for (const i of pending) {
          const op = ops[i] as WriteOp
          const key = rowId(op.table, op.item)
          const size = sizes[i] ?? 0
          const fits = (c: (typeof chunks)[number]) =>
            !alone.has(i) &&
            !alone.has(c.members[0] ?? -1) &&
            c.members.length < batchSize &&
            !c.keys.has(key) &&
            c.bytes + size <= MAX_TRANSACTION_BYTES
          const open = chunks.find(fits)
          if (open) {
            open.members.push(i)
            open.keys.add(key)
            open.bytes += size
          } else chunks.push({ members: [i], keys: new Set([key]), bytes: size })
        }
        return chunks.map((c) => c.members)
      }

      async function sendOne(i: number): Promise<boolean> {
        const op = ops[i] as WriteOp
        try {
          await paced(writePacer, { cost: 1, signal }, () => doc.send(new PutCommand(putFor(op))))
          results[i] = { outcome: 'written' }
          return true
        } catch (err) {
          if (err instanceof ConditionalCheckFailedException) {
            const resolved = await resolveExisting(op, fromRaw(err.Item), signal)
            if (resolved) results[i] = resolved
            return resolved !== undefined
          }
          if (refused(err)) {
            results[i] = { outcome: 'failed', detail: err.message }
            return true
          }
          if (err instanceof Error && err.name === 'TransactionConflictException') return false
          throw err
        }
      }

      /** Sends one transaction; returns the ops to send again. */
      async function sendMany(members: number[]): Promise<number[]> {
        try {
          await paced(writePacer, { cost: members.length, signal }, () =>
            doc.send(new TransactWriteCommand({ TransactItems: members.map((i) => ({ Put: putFor(ops[i] as WriteOp) })) })),
          )
          for (const i of members) results[i] = { outcome: 'written' }
          return []
        } catch (err) {
          const reasons = cancellationReasons(err)
          if (!reasons) {
            if (!refused(err)) throw err
            // The transaction as a whole was refused (size, a bad item): find the culprit one by one.
            for (const i of members) alone.add(i)
            return members
          }
          const again: number[] = []
          let throttled = false
          for (const [j, i] of members.entries()) {
            const reason = reasons[j]
            const op = ops[i] as WriteOp
            if (reason?.Code === 'ConditionalCheckFailed') {
              const resolved = await resolveExisting(op, fromRaw(reason.Item), signal)
              if (resolved) results[i] = resolved
              else again.push(i)
            } else if (reason?.Code === 'ValidationError' || reason?.Code === 'ItemCollectionSizeLimitExceeded') {
              results[i] = { outcome: 'failed', detail: `${reason.Code}: ${reason.Message ?? ''}` }
            } else {
              // None (cancelled for another item's sake), TransactionConflict, throttling: send again.
              if (reason?.Code && THROTTLING_REASONS.has(reason.Code)) throttled = true
              // A row that live traffic is writing right now goes alone, so it stops cancelling its batch.
              if (reason?.Code === 'TransactionConflict') alone.add(i)
              again.push(i)
            }
          }
          if (throttled) writePacer.onThrottle()
          return again
        }
      }

      let pending = ops.map((_, i) => i)
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await backoff(Math.min(round, 6), 10)
        const batchSize = round >= CONFLICT_ROUNDS ? 1 : options.batchSize
        const again = await Promise.all(
          chunk(pending, batchSize).map(async (members) => {
            if (members.length === 1) return (await sendOne(members[0] as number)) ? [] : members
            return sendMany(members)
          }),
        )
        pending = again.flat()
      }
      return results as WriteResult[]
    },

    /** The rows with these keys (consistent reads), by rowId. */
    async getRows(table: TargetTable, rows: readonly TargetRow[]): Promise<Map<string, TargetRow>> {
      const byId = new Map<string, TargetRow>()
      for (const row of rows) byId.set(rowId(table, row), keyOf(table, row))
      const keys = [...byId.values()]
      const found = new Map<string, TargetRow>()
      const tableName = names[table]
      for (let i = 0; i < keys.length; i += BATCH_GET) {
        let batch: Array<Record<string, unknown>> | undefined = keys.slice(i, i + BATCH_GET)
        for (let attempt = 0; batch && batch.length > 0; attempt++) {
          if (attempt > 0) await backoff(attempt)
          const res = await paced(readPacer, { cost: 0 }, () =>
            doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } })),
          )
          for (const item of res.Responses?.[tableName] ?? []) found.set(rowId(table, item), item)
          batch = res.UnprocessedKeys?.[tableName]?.Keys
        }
      }
      return found
    },

    /** One page of one Scan segment over the rows of `table` that came from legacy. */
    async scanMigratedPage(
      table: TargetTable,
      segment: number,
      totalSegments: number,
      cursor: string | undefined,
      limit: number,
    ): Promise<{ rows: TargetRow[]; nextCursor: string | undefined }> {
      const [pk, sk] = keyNames(table)
      const marker = table === 'usage' ? 'legacy_ids' : 'migrated_from'
      const res = await paced(readPacer, { cost: 0 }, () =>
        doc.send(
          new ScanCommand({
            TableName: names[table],
            Segment: segment,
            TotalSegments: totalSegments,
            Limit: limit,
            FilterExpression: 'attribute_exists(#marker)',
            ProjectionExpression: '#pk, #sk, migrated_from, legacy_ids, migrated_count, usage_count',
            ExpressionAttributeNames: { '#pk': pk, '#sk': sk, '#marker': marker },
            ExclusiveStartKey: cursor ? (JSON.parse(cursor) as Record<string, unknown>) : undefined,
          }),
        ),
      )
      return { rows: res.Items ?? [], nextCursor: res.LastEvaluatedKey ? JSON.stringify(res.LastEvaluatedKey) : undefined }
    },
  }
}

export type TargetsRepository = ReturnType<typeof createTargetsRepository>
