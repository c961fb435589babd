// The subscriptions table's access patterns. Besides one row per subscription, a user's partition
// holds the record of their Stripe customer and markers of the Stripe events applied (see keys).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import type { MigrationStamp, SubscriptionRow as MigratedSubscriptionRow } from '@f1/legacy/result'
import { indexName } from '@f1/tables'
import { rethrowDynamoError } from '@f1/tables/errors'
import { CUSTOMER_KEY, isSubscriptionRowKey, readinessKey, stripeEventMarkerKey } from '@f1/tables/keys'
import { updateOnceWithMarker } from '@f1/tables/transactions'
import type { StripeSubscriptionState } from '../lib/stripe-objects.ts'

/**
 * A row of the subscriptions table. Its fields are the migrator's row (one definition, in
 * @f1/legacy): a row Stripe's events made has no migration stamp and may lack the cancel flag, and a
 * row this service updated remembers the last event it applied.
 */
export type SubscriptionRow = Omit<MigratedSubscriptionRow, keyof MigrationStamp | 'cancel_at_period_end'> &
  Partial<MigrationStamp> & {
    cancel_at_period_end?: boolean
    last_event_id?: string
  }

export interface AppliedEvent {
  id: string
  type: string
  /** The event's `created`, ISO. */
  createdAt: string
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'stale'

const isSubscriptionRow = (item: Record<string, unknown>) => isSubscriptionRowKey(String(item.subscription_id))

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export function createSubscriptionsRepository(options: { doc: DynamoDBDocumentClient; tableName: string }) {
  const { doc, tableName } = options

  return {
    /** Every subscription row of a user (markers and the customer record left out). */
    async findSubscriptions(userId: string): Promise<SubscriptionRow[]> {
      try {
        const rows: SubscriptionRow[] = []
        let startKey: Record<string, unknown> | undefined
        do {
          const res = await doc.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'user_id = :u',
              ExpressionAttributeValues: { ':u': userId },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          )
          rows.push(...((res.Items ?? []).filter(isSubscriptionRow) as SubscriptionRow[]))
          startKey = res.LastEvaluatedKey
        } while (startKey)
        return rows
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** One subscription row, or undefined. */
    async findSubscription(userId: string, subscriptionId: string): Promise<SubscriptionRow | undefined> {
      try {
        const res = await doc.send(
          new GetCommand({ TableName: tableName, Key: { user_id: userId, subscription_id: subscriptionId }, ConsistentRead: true }),
        )
        return res.Item as SubscriptionRow | undefined
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** The user a Stripe subscription belongs to, through the stripe_subscription_id GSI. */
    async findUserOfStripeSubscription(stripeSubscriptionId: string): Promise<string | undefined> {
      try {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexName('subscriptions', 'stripe_subscription_id-index'),
            KeyConditionExpression: 'stripe_subscription_id = :s',
            ExpressionAttributeValues: { ':s': stripeSubscriptionId },
            Limit: 1,
          }),
        )
        return res.Items?.[0]?.user_id as string | undefined
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    async findCustomerId(userId: string): Promise<string | undefined> {
      try {
        const res = await doc.send(
          new GetCommand({ TableName: tableName, Key: { user_id: userId, subscription_id: CUSTOMER_KEY }, ConsistentRead: true }),
        )
        return res.Item?.stripe_customer_id as string | undefined
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Records the user's Stripe customer once; returns the one recorded first if two raced. */
    async saveCustomerId(userId: string, customerId: string, now: Date): Promise<string> {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { user_id: userId, subscription_id: CUSTOMER_KEY, stripe_customer_id: customerId, created_at: now.toISOString() },
            ConditionExpression: 'attribute_not_exists(subscription_id)',
          }),
        )
        return customerId
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return (await this.findCustomerId(userId)) ?? customerId
        rethrowDynamoError(err)
      }
    },

    /**
     * Applies a Stripe event's state to one subscription row, exactly once and never backwards:
     * the event's marker and the row are written in one transaction; the marker makes a replay a
     * no-op, the created-time condition makes an older event a no-op.
     * `requireExisting` is for events that only touch an existing row (invoices).
     */
    async applyStripeEvent(
      userId: string,
      state: Partial<StripeSubscriptionState> & { subscription_id: string },
      event: AppliedEvent,
      options: {
        requireExisting?: boolean
        /** The row as read when the events below were worked out: the update applies only to it (else 'changed'). */
        seenEventId: string | undefined
        /** The outbox items of the domain events this change means, written in the same transaction. */
        events: readonly TransactItem[]
      },
    ): Promise<ApplyOutcome | 'changed'> {
      const requireExisting = options.requireExisting ?? false
      const fields: Record<string, unknown> = { ...state, updated_from_event_at: event.createdAt, last_event_id: event.id }
      delete fields.subscription_id
      const names: Record<string, string> = {}
      const values: Record<string, unknown> = { ':t': event.createdAt }
      const sets = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v], i) => {
          names[`#f${i}`] = k
          values[`:v${i}`] = v
          return `#f${i} = :v${i}`
        })
      // Same-second events apply in arrival order; strictly older ones are refused. The row must
      // still be the one the events were worked out from (a concurrent event changes it: retry).
      if (options.seenEventId === undefined) names['#last'] = 'last_event_id'
      else values[':seen'] = options.seenEventId
      const unchanged = options.seenEventId === undefined ? 'attribute_not_exists(#last)' : 'last_event_id = :seen'
      const notOlder = `updated_from_event_at <= :t AND ${unchanged}`
      try {
        const outcome = await updateOnceWithMarker(
          doc,
          {
            TableName: tableName,
            Item: {
              user_id: userId,
              subscription_id: stripeEventMarkerKey(event.id),
              event_type: event.type,
              event_created_at: event.createdAt,
            },
            keyAttribute: 'subscription_id',
          },
          {
            TableName: tableName,
            Key: { user_id: userId, subscription_id: state.subscription_id },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: requireExisting
              ? `attribute_exists(plan_id) AND ${notOlder}`
              : `attribute_not_exists(updated_from_event_at) OR (${notOlder})`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
          options.events,
        )
        if (outcome.status === 'duplicate') return 'duplicate'
        if (outcome.status === 'applied') return 'applied'
        // Refused: older than what the row holds (stale), or the row moved on since it was read (changed).
        const row = outcome.item as SubscriptionRow | undefined
        const newer = row?.updated_from_event_at !== undefined && String(row.updated_from_event_at) > event.createdAt
        if (newer || (requireExisting && row?.plan_id === undefined)) return 'stale'
        return 'changed'
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    /** Writes a row migrated from legacy unless the key exists; returns the row that is stored. */
    async putMigratedRow(row: SubscriptionRow): Promise<SubscriptionRow> {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: row,
            // Concurrent first reads (and the bulk migrator) write the same key: one wins, none overwrites.
            ConditionExpression: 'attribute_not_exists(subscription_id)',
          }),
        )
        return row
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) {
          const res = await doc.send(
            new GetCommand({
              TableName: tableName,
              Key: { user_id: row.user_id, subscription_id: row.subscription_id },
              ConsistentRead: true,
            }),
          )
          return (res.Item as SubscriptionRow | undefined) ?? row
        }
        rethrowDynamoError(err)
      }
    },

    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName: tableName, Key: readinessKey('subscriptions') }), {
        abortSignal: signal,
      })
    },
  }
}

export type SubscriptionsRepository = ReturnType<typeof createSubscriptionsRepository>
