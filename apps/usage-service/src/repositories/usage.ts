// The usage table's access patterns. Keys, marshalling and SDK exceptions stay in here.
import { setTimeout as sleep } from 'node:timers/promises'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  BatchGetCommand,
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { FEATURES, type FeatureName } from '@f1/contracts/common'
import type { UsageCounter } from '@f1/contracts/usage'
import { withExtras } from '@f1/service-kit/errors'
import { rethrowDynamoError } from '@f1/tables/errors'
import { featureDateKey, readinessKey, utcDay } from '@f1/tables/keys'
import { cancellationReasons, transactWrite } from '@f1/tables/transactions'
import { QuotaExceededError } from '../errors.ts'
import { resetInstant, secondsUntil } from '../lib/days.ts'

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

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
}

export interface CounterRow {
  usage_count?: number
  limit_value?: number
  reset_date?: string
}

export function counterFrom(feature: FeatureName, day: string, row: CounterRow | undefined): UsageCounter {
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

/** The time-to-live of a day's rows: `retentionDays` after the day ends. */
export function dayExpiry(day: string, retentionDays: number): number {
  return Math.floor(resetInstant(day).getTime() / 1000) + retentionDays * 86_400
}

/**
 * The conditional update that adds `amount` to a day's counter only if it stays within `limit`.
 * The whole race is decided in its condition: concurrent consumes each see the count their own
 * update would land on, so at most `limit` units are ever granted.
 */
export function consumeUpdate(
  tableName: string,
  input: { userId: string; feature: FeatureName; amount: number; limit: number; day: string; retentionDays: number },
): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: { user_id: input.userId, feature_date_key: featureDateKey(input.feature, input.day) },
    UpdateExpression:
      'SET feature_name = :feature, reset_date = :reset, limit_value = :limit, expires_at = :expires ADD usage_count :amount',
    ConditionExpression: 'attribute_not_exists(usage_count) OR usage_count <= :maxBefore',
    ExpressionAttributeValues: {
      ':feature': input.feature,
      ':reset': resetInstant(input.day).toISOString(),
      ':limit': input.limit,
      ':expires': dayExpiry(input.day, input.retentionDays),
      ':amount': input.amount,
      ':maxBefore': input.limit - input.amount,
    },
  }
}

/** The 429 for a consume that would pass `limit`, with the counter as it stands and Retry-After to the reset. */
export function quotaExceeded(
  input: { feature: FeatureName; amount: number; limit: number; now: Date },
  day: string,
  row: CounterRow | undefined,
): Error {
  const counter = { ...counterFrom(input.feature, day, row), limit_value: input.limit }
  counter.remaining = Math.max(0, input.limit - counter.usage_count)
  return withExtras(new QuotaExceededError(input.limit, input.feature), {
    details: { ...counter, requested: input.amount },
    headers: { 'retry-after': String(secondsUntil(new Date(counter.reset_date), input.now)) },
  })
}

export function createUsageRepository(options: UsageRepositoryOptions) {
  const { doc, tableName } = options

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

  return {
    /**
     * Adds `amount` to today's counter if it stays within `limit`, atomically: one conditional
     * UpdateItem, never read-then-write. Throws QuotaExceededError otherwise. Per-request
     * counting (api_request); metered work goes through charges (charges.ts).
     */
    async consumeQuota(input: ConsumeInput): Promise<UsageCounter> {
      const day = utcDay(input.now)
      try {
        if (input.amount > input.limit) throw quotaExceeded(input, day, await getCounter(input.userId, input.feature, day))
        const res = await doc.send(
          new UpdateCommand({
            ...consumeUpdate(tableName, { ...input, day, retentionDays: options.retentionDays }),
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        return counterFrom(input.feature, day, res.Attributes as CounterRow)
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) {
          throw quotaExceeded(input, day, err.Item ? (unmarshall(err.Item) as CounterRow) : undefined)
        }
        rethrowDynamoError(err)
      }
    },

    /**
     * Marks a day's counter as having hit its limit and writes `event` (its outbox item) in the same
     * transaction; true only for the first caller, so the event exists once per user, feature and day
     * however often clients retry.
     */
    async markLimitReached(userId: string, feature: FeatureName, day: string, now: Date, event: TransactWriteItem): Promise<boolean> {
      try {
        // The mark and its event are written together: either the event exists, or nobody has marked the day yet.
        await transactWrite(doc, {
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: { user_id: userId, feature_date_key: featureDateKey(feature, day) },
                UpdateExpression: 'SET limit_reached_at = :now',
                ConditionExpression: 'attribute_exists(usage_count) AND attribute_not_exists(limit_reached_at)',
                ExpressionAttributeValues: { ':now': now.toISOString() },
              },
            },
            event,
          ],
        })
        return true
      } catch (err) {
        if (cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') return false
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
      await doc.send(new GetCommand({ TableName: tableName, Key: readinessKey('usage') }), {
        abortSignal: signal,
      })
    },
  }
}

export type UsageRepository = ReturnType<typeof createUsageRepository>
