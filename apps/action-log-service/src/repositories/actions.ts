// The action log's access patterns. The sort key (actionKey) is time-ordered, and the same for every
// delivery of one event, so a redelivery is a conditional-put no-op.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Action } from '@f1/contracts/actions'
import { canonicalInstant, type PlanId } from '@f1/contracts/common'
import { rethrowDynamoError } from '@f1/tables/errors'
import { actionKey, parseActionKey, readinessKey } from '@f1/tables/keys'
import { InvalidCursorError, InvalidInstantError, InvalidRangeError, UnstorableActionError } from '../errors.ts'

export interface NewAction {
  userId: string
  actionId: string
  occurredAt: Date
  actionType: string
  details: Record<string, unknown>
  planId?: PlanId | undefined
  source: string
  correlationId?: string | undefined
}

export interface ActionFilter {
  from?: string | undefined
  to?: string | undefined
  type?: string | undefined
  limit: number
  cursor?: string | undefined
  now: Date
}

interface ActionItem {
  user_id: string
  timestamp: string
  action_type: string
  action_details?: unknown
  plan_id?: PlanId
  source?: string
  expires_at?: number
}

// Bounds that sort before every action key and, as the id of one, after every action id.
const MIN_KEY = '0'
const MAX_ID = '\uffff'
const MAX_PAGES = 10

/** The canonical ISO form of an instant that bounds or keys the log; a 400 for one it cannot hold. */
function instantOf(value: Date | string, name: string): string {
  const iso = canonicalInstant(value)
  if (iso === undefined) throw new InvalidInstantError(name)
  return iso
}

// DynamoDB's limits on what a map may hold: 32 levels of nesting (the item is the first), numbers of
// magnitude 1e-130 and up, non-empty attribute names; the document client refuses numbers beyond
// 2^53 - 1 unless told to lose precision.
const MAX_DETAILS_DEPTH = 31
const MIN_MAGNITUDE = 1e-130

/** Why DynamoDB would refuse these details, or undefined when it would store them. */
function unstorable(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value)
    if (value !== 0 && (magnitude < MIN_MAGNITUDE || magnitude > Number.MAX_SAFE_INTEGER)) return `the number ${value} is out of range`
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  if (depth >= MAX_DETAILS_DEPTH) return `details nest deeper than ${MAX_DETAILS_DEPTH} levels`
  for (const [key, inner] of Object.entries(value)) {
    if (!Array.isArray(value) && key === '') return 'a field of the details has an empty name'
    const problem = unstorable(inner, depth + 1)
    if (problem) return problem
  }
  return undefined
}

function toAction(item: ActionItem): Action {
  const { occurredAt, actionId } = parseActionKey(item.timestamp)
  return {
    action_id: actionId,
    occurred_at: occurredAt,
    action_type: item.action_type,
    action_details: item.action_details ?? {},
    plan_id: item.plan_id ?? null,
    source: item.source ?? 'legacy',
  }
}

export function createActionsRepository(options: { doc: DynamoDBDocumentClient; tableName: string; retentionDays: number }) {
  const { doc, tableName } = options
  const encodeCursor = (timestamp: string) => Buffer.from(JSON.stringify({ t: timestamp })).toString('base64url')
  // DynamoDB refuses a start key outside the key condition: a cursor of another range is the caller's error.
  function decodeCursor(cursor: string, low: string, high: string): string {
    try {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { t?: unknown }
      const t = parsed.t
      if (typeof t === 'string' && t.includes('#') && t >= low && t <= high) return t
    } catch {
      // falls through to the error below
    }
    throw new InvalidCursorError()
  }

  return {
    /** Logs an action once: returns false when this action id at this time is already logged. */
    async recordAction(action: NewAction): Promise<boolean> {
      const timestamp = actionKey(instantOf(action.occurredAt, 'occurred_at'), action.actionId)
      const problem = unstorable(action.details)
      if (problem) throw new UnstorableActionError(problem)
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              user_id: action.userId,
              timestamp,
              action_type: action.actionType,
              action_details: action.details,
              plan_id: action.planId,
              source: action.source,
              correlation_id: action.correlationId,
              expires_at: Math.floor(action.occurredAt.getTime() / 1000) + options.retentionDays * 86_400,
            },
            // A redelivered event (or a retried direct log) lands on the same key.
            ConditionExpression: 'attribute_not_exists(#ts)',
            ExpressionAttributeNames: { '#ts': 'timestamp' },
          }),
        )
        return true
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false
        // The key is ours and valid, so a refusal is about the content (over 400 KB): retrying cannot help.
        if (err instanceof Error && err.name === 'ValidationException') {
          throw new UnstorableActionError("it is over DynamoDB's item size", { cause: err })
        }
        rethrowDynamoError(err)
      }
    },

    /** A user's actions, newest first, filtered by time range and type, one page at a time. */
    async listActions(userId: string, filter: ActionFilter): Promise<{ actions: Action[]; nextCursor: string | null }> {
      const low = filter.from ? instantOf(filter.from, 'from') : MIN_KEY
      const high = actionKey(filter.to ? instantOf(filter.to, 'to') : '9', MAX_ID)
      // BETWEEN with its bounds the wrong way round is a DynamoDB ValidationException, not an empty page.
      if (low > high) throw new InvalidRangeError()
      let startKey = filter.cursor ? { user_id: userId, timestamp: decodeCursor(filter.cursor, low, high) } : undefined
      const names: Record<string, string> = { '#ts': 'timestamp' }
      const values: Record<string, unknown> = { ':u': userId, ':low': low, ':high': high, ':now': Math.floor(filter.now.getTime() / 1000) }
      // TTL deletes late (up to days in AWS): expired actions are filtered out on read.
      const conditions = ['(attribute_not_exists(expires_at) OR expires_at > :now)']
      if (filter.type) {
        conditions.push('action_type = :type')
        values[':type'] = filter.type
      }
      const actions: Action[] = []
      try {
        for (let page = 0; page < MAX_PAGES && actions.length < filter.limit; page++) {
          // Asking for only what is missing means the last key read is exactly where the next page starts.
          const res = await doc.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'user_id = :u AND #ts BETWEEN :low AND :high',
              FilterExpression: conditions.join(' AND '),
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              ScanIndexForward: false,
              Limit: filter.limit - actions.length,
              ExclusiveStartKey: startKey,
            }),
          )
          actions.push(...((res.Items ?? []) as ActionItem[]).map(toAction))
          startKey = res.LastEvaluatedKey as typeof startKey
          if (!startKey) break
        }
        return { actions, nextCursor: startKey ? encodeCursor(startKey.timestamp) : null }
      } catch (err) {
        rethrowDynamoError(err)
      }
    },

    async ping(signal: AbortSignal): Promise<void> {
      await doc.send(new GetCommand({ TableName: tableName, Key: readinessKey('actions') }), { abortSignal: signal })
    },
  }
}

export type ActionsRepository = ReturnType<typeof createActionsRepository>
