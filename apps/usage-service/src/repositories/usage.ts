// The usage table's access patterns. Keys, marshalling and SDK exceptions stay in here.
import { setTimeout as sleep } from 'node:timers/promises'
import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb'
import { BatchGetCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { FEATURES, type FeatureName } from '@f1/contracts/common'
import type { UsageCounter } from '@f1/contracts/usage'
import { DynamoDbContentionError, rethrowDynamoError } from '@f1/tables/errors'
import { updateOnceWithMarker } from '@f1/tables/transactions'
import { featureDateKey, resetInstant, utcDay } from '../lib/days.ts'
import { IdempotencyKeyReusedError, QuotaExceededError } from '../errors.ts'
import { withExtras } from '@f1/service-kit/errors'
import { secondsUntil } from '../lib/days.ts'

export interface UsageRepositoryOptions {
  doc: DynamoDBDocumentClient
  tableName: string
  retentionDays: number
}

export interface ConsumeInput {
  userId: string
  feature: FeatureName
  amount: number
  limit: number
  now: Date
  idempotencyKey?: string | undefined
}

export interface RefundInput {
  userId: string
  feature: FeatureName
  amount: number
  day: string
  idempotencyKey?: string | undefined
}

export interface ConsumeResult extends UsageCounter {
  /** True when an earlier request with the same idempotency key already counted this one. */
  replayed: boolean
}

interface CounterRow {
  usage_count?: number
  limit_value?: number
  reset_date?: string
}

/** What an idempotency record remembers of the request that created it. */
interface IdempotencyRecord {
  operation: 'consume' | 'refund'
  feature: FeatureName
  amount: number
  day: string
}

type WriteOutcome =
  | { status: 'applied'; row?: CounterRow }
  | { status: 'condition_failed'; row?: CounterRow }
  | { status: 'replayed'; record: IdempotencyRecord }

const IDEMPOTENCY_PREFIX = 'idempotency#'
const IDEMPOTENCY_TTL_S = 48 * 3600
const MAX_CONFLICT_RETRIES = 8

function counterFrom(feature: FeatureName, day: string, row: CounterRow | undefined): UsageCounter {
  const usage = row?.usage_count ?? 0
  const limit = row?.limit_value ?? 0
  return {
    feature,
    date: day,
    usage_count: usage,
    limit_value: limit,
    remaining: Math.max(0, limit - usage),
    reset_date: row?.reset_date ?? resetInstant(day).toISOString(),
  }
}

function rowFromRaw(item: Record<string, AttributeValue> | undefined): CounterRow | undefined {
  return item ? (unmarshall(item) as CounterRow) : undefined
}

export function createUsageRepository(options: UsageRepositoryOptions) {
  const { doc, tableName } = options
  const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000)

  async function getCounter(userId: string, feature: FeatureName, day: string): Promise<CounterRow | undefined> {
    const res = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { user_id: userId, feature_date_key: featureDateKey(feature, day) },
        ConsistentRead: true,
      }),
    )
    return res.Item as CounterRow | undefined
  }

  /**
   * One conditional update of a counter; with an idempotency key, the update and the key's
   * record are written in one transaction, so a retried request can never count twice.
   */
  async function writeOnce(
    update: UpdateCommandInput,
    userId: string,
    idempotency: { key: string; record: IdempotencyRecord; expiresAt: number } | undefined,
  ): Promise<WriteOutcome> {
    if (!idempotency) {
      try {
        const res = await doc.send(
          new UpdateCommand({ ...update, ReturnValues: 'ALL_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        )
        return { status: 'applied', row: res.Attributes as CounterRow }
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return { status: 'condition_failed', row: rowFromRaw(err.Item) }
        throw err
      }
    }
    const outcome = await updateOnceWithMarker(
      doc,
      {
        TableName: tableName,
        // A seen key means this request is a retry of one already counted.
        Item: {
          user_id: userId,
          feature_date_key: IDEMPOTENCY_PREFIX + idempotency.key,
          ...idempotency.record,
          expires_at: idempotency.expiresAt,
        },
        keyAttribute: 'feature_date_key',
      },
      update,
    )
    if (outcome.status === 'duplicate') return { status: 'replayed', record: outcome.marker as unknown as IdempotencyRecord }
    if (outcome.status === 'condition_failed') return { status: 'condition_failed', row: outcome.item as CounterRow | undefined }
    return { status: 'applied' }
  }

  function checkReplay(record: IdempotencyRecord, expected: IdempotencyRecord): void {
    const same = record.operation === expected.operation && record.feature === expected.feature && record.amount === expected.amount
    if (!same) throw new IdempotencyKeyReusedError(`${record.operation} of ${record.amount} ${record.feature} on ${record.day}`)
  }

  function quotaExceeded(input: ConsumeInput, day: string, row: CounterRow | undefined): Error {
    const counter = { ...counterFrom(input.feature, day, row), limit_value: input.limit }
    counter.remaining = Math.max(0, input.limit - counter.usage_count)
    return withExtras(new QuotaExceededError(input.limit, input.feature), {
      details: { ...counter, requested: input.amount },
      headers: { 'retry-after': String(secondsUntil(new Date(counter.reset_date), input.now)) },
    })
  }

  return {
    /**
     * Adds `amount` to today's counter if it stays within `limit`, atomically: one
     * conditional UpdateItem, never read-then-write. Throws QuotaExceededError otherwise.
     */
    async consumeQuota(input: ConsumeInput): Promise<ConsumeResult> {
      const day = utcDay(input.now)
      const reset = resetInstant(day)
      const expiresAt = epochSeconds(reset) + options.retentionDays * 86_400
      const record: IdempotencyRecord = { operation: 'consume', feature: input.feature, amount: input.amount, day }
      try {
        if (input.amount > input.limit) throw quotaExceeded(input, day, await getCounter(input.userId, input.feature, day))
        const outcome = await writeOnce(
          {
            TableName: tableName,
            Key: { user_id: input.userId, feature_date_key: featureDateKey(input.feature, day) },
            UpdateExpression:
              'SET feature_name = :feature, reset_date = :reset, limit_value = :limit, expires_at = :expires ADD usage_count :amount',
            // The whole race is decided here: concurrent consumes each see the count their own
            // update would land on, so at most `limit` units are ever granted.
            ConditionExpression: 'attribute_not_exists(usage_count) OR usage_count <= :maxBefore',
            ExpressionAttributeValues: {
              ':feature': input.feature,
              ':reset': reset.toISOString(),
              ':limit': input.limit,
              ':expires': expiresAt,
              ':amount': input.amount,
              ':maxBefore': input.limit - input.amount,
            },
          },
          input.userId,
          input.idempotencyKey ? { key: input.idempotencyKey, record, expiresAt: epochSeconds(input.now) + IDEMPOTENCY_TTL_S } : undefined,
        )
        if (outcome.status === 'condition_failed') throw quotaExceeded(input, day, outcome.row)
        if (outcome.status === 'replayed') {
          checkReplay(outcome.record, record)
          const counted = outcome.record.day
          return { ...counterFrom(input.feature, counted, await getCounter(input.userId, input.feature, counted)), replayed: true }
        }
        const row = outcome.row ?? (await getCounter(input.userId, input.feature, day))
        return { ...counterFrom(input.feature, day, row), replayed: false }
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Gives back `amount` of a day's counter (compensation), never taking it below zero. */
    async refundQuota(input: RefundInput): Promise<ConsumeResult> {
      const key = { user_id: input.userId, feature_date_key: featureDateKey(input.feature, input.day) }
      const record: IdempotencyRecord = { operation: 'refund', feature: input.feature, amount: input.amount, day: input.day }
      const idempotency = input.idempotencyKey
        ? { key: input.idempotencyKey, record, expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_S }
        : undefined
      try {
        for (let attempt = 1; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
          // Usual case: enough to give back.
          let outcome = await writeOnce(
            {
              TableName: tableName,
              Key: key,
              UpdateExpression: 'ADD usage_count :minus',
              ConditionExpression: 'usage_count >= :amount',
              ExpressionAttributeValues: { ':minus': -input.amount, ':amount': input.amount },
            },
            input.userId,
            idempotency,
          )
          if (outcome.status === 'condition_failed') {
            // Nothing counted that day: nothing to give back, and nothing is written.
            if (outcome.row?.usage_count === undefined) return { ...counterFrom(input.feature, input.day, undefined), replayed: false }
            // Less counted than refunded: go to zero, unless the count moved meanwhile (then retry).
            outcome = await writeOnce(
              {
                TableName: tableName,
                Key: key,
                UpdateExpression: 'SET usage_count = :zero',
                ConditionExpression: 'usage_count = :seen',
                ExpressionAttributeValues: { ':zero': 0, ':seen': outcome.row.usage_count },
              },
              input.userId,
              idempotency,
            )
            if (outcome.status === 'condition_failed') continue
          }
          if (outcome.status === 'replayed') {
            checkReplay(outcome.record, record)
            return { ...counterFrom(input.feature, input.day, await getCounter(input.userId, input.feature, input.day)), replayed: true }
          }
          const row = outcome.row ?? (await getCounter(input.userId, input.feature, input.day))
          return { ...counterFrom(input.feature, input.day, row), replayed: false }
        }
        throw new DynamoDbContentionError()
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /**
     * Marks a day's counter as having hit its limit; true only for the first caller, so the
     * "limit reached" event goes out once per user, feature and day however often clients retry.
     */
    async markLimitReached(userId: string, feature: FeatureName, day: string, now: Date): Promise<boolean> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { user_id: userId, feature_date_key: featureDateKey(feature, day) },
            UpdateExpression: 'SET limit_reached_at = :now',
            ConditionExpression: 'attribute_exists(usage_count) AND attribute_not_exists(limit_reached_at)',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        rethrowDynamoError(err)
      }
    },

    /** Every feature counted on a day (one BatchGetItem over the known features). */
    async findDayUsage(userId: string, day: string): Promise<UsageCounter[]> {
      try {
        const res = await doc.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: FEATURES.map((feature) => ({ user_id: userId, feature_date_key: featureDateKey(feature, day) })),
                ConsistentRead: true,
              },
            },
          }),
        )
        // Four small keys never exceed BatchGetItem's limits, but a throttled batch may come back partial.
        const rows = [...(res.Responses?.[tableName] ?? [])]
        let unprocessed = res.UnprocessedKeys?.[tableName]?.Keys
        for (let attempt = 1; unprocessed && unprocessed.length > 0 && attempt <= 5; attempt++) {
          await sleep(20 * 2 ** attempt)
          const retry = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: unprocessed, ConsistentRead: true } } }))
          rows.push(...(retry.Responses?.[tableName] ?? []))
          unprocessed = retry.UnprocessedKeys?.[tableName]?.Keys
        }
        if (unprocessed && unprocessed.length > 0)
          throw Object.assign(new Error('BatchGetItem left keys unprocessed'), { name: 'ThrottlingException' })
        const byFeature = new Map(rows.map((row) => [row.feature_name as FeatureName, row as CounterRow]))
        return FEATURES.filter((f) => byFeature.has(f)).map((f) => counterFrom(f, day, byFeature.get(f)))
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Probe for /ready: the table answers. */
    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName: tableName, Key: { user_id: '#ready', feature_date_key: '#ready' } }), {
        abortSignal: signal,
      })
    },
  }
}

export type UsageRepository = ReturnType<typeof createUsageRepository>
