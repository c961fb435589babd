// Idempotency-Key records (in the gateway's own table, see idempotencyKey): per user, route and key, the request's hash,
// the operation it runs under, and once it ended the answer to replay. An unfinished record holds a
// lease; past it a retry takes the record over and runs the same operation again (which never
// charges or stores twice).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { rethrowDynamoError } from '@f1/tables/errors'
import { idempotencyKey } from '@f1/tables/keys'

/** How long a key and its answer are kept (Stripe keeps them 24 hours too). */
export const IDEMPOTENCY_TTL_S = 24 * 3600

/** What a finished request answered: the body itself, or a reference the route can read it back by. */
export interface StoredAnswer {
  status: number
  body?: string
  ref?: string
}

interface RecordItem {
  user_id: string
  record_key: string
  request_hash: string
  operation_id: string
  status: 'in_progress' | 'completed'
  attempt: number
  lease_until?: number
  response_status?: number
  response_body?: string
  response_ref?: string
  created_at: string
  expires_at: number
}

export type BeginOutcome =
  /** A new key: run the request under `operationId`. */
  | { kind: 'started'; operationId: string; attempt: number }
  /** An earlier attempt died (its lease ran out): run its operation again. */
  | { kind: 'resumed'; operationId: string; attempt: number }
  /** Finished before: answer this. */
  | { kind: 'replay'; answer: StoredAnswer }
  /** Another request with this key is running; its lease ends at `leaseUntil`. */
  | { kind: 'in_progress'; leaseUntil: number }
  /** The key was used with another body. */
  | { kind: 'mismatch' }

export interface RecordRef {
  userId: string
  scope: string
  attempt: number
}

export function createIdempotencyRepository(options: { doc: DynamoDBDocumentClient; tableName: string }) {
  const { doc, tableName } = options
  const key = (userId: string, scope: string) => ({ user_id: userId, record_key: idempotencyKey(scope) })

  async function takeOver(existing: RecordItem, leaseMs: number, now: number): Promise<BeginOutcome> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { user_id: existing.user_id, record_key: existing.record_key },
          UpdateExpression: 'SET attempt = :next, lease_until = :lease',
          // Two retries after the same dead attempt: only one takes it over.
          ConditionExpression: '#status = :running AND attempt = :seen AND lease_until < :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':next': existing.attempt + 1,
            ':lease': now + leaseMs,
            ':running': 'in_progress',
            ':seen': existing.attempt,
            ':now': now,
          },
        }),
      )
      return { kind: 'resumed', operationId: existing.operation_id, attempt: existing.attempt + 1 }
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { kind: 'in_progress', leaseUntil: now + leaseMs }
      throw err
    }
  }

  return {
    /** Claims a key for a request, or says what it already stands for. */
    async begin(input: {
      userId: string
      scope: string
      hash: string
      operationId: string
      leaseMs: number
      now: Date
    }): Promise<BeginOutcome> {
      const now = input.now.getTime()
      const item: RecordItem = {
        ...key(input.userId, input.scope),
        request_hash: input.hash,
        operation_id: input.operationId,
        status: 'in_progress',
        attempt: 1,
        lease_until: now + input.leaseMs,
        created_at: input.now.toISOString(),
        expires_at: Math.floor(now / 1000) + IDEMPOTENCY_TTL_S,
      }
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            // Two requests with one key race here; an expired record (TTL deletes late) counts as absent.
            ConditionExpression: 'attribute_not_exists(record_key) OR expires_at < :nowS',
            ExpressionAttributeValues: { ':nowS': Math.floor(now / 1000) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        return { kind: 'started', operationId: input.operationId, attempt: 1 }
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) rethrowDynamoError(err)
        const existing = unmarshall(err.Item ?? {}) as RecordItem
        if (existing.request_hash !== input.hash) return { kind: 'mismatch' }
        if (existing.status === 'completed') {
          const answer: StoredAnswer = { status: existing.response_status ?? 200 }
          if (existing.response_body !== undefined) answer.body = existing.response_body
          if (existing.response_ref !== undefined) answer.ref = existing.response_ref
          return { kind: 'replay', answer }
        }
        if ((existing.lease_until ?? 0) > now) return { kind: 'in_progress', leaseUntil: existing.lease_until ?? now }
        try {
          return await takeOver(existing, input.leaseMs, now)
        } catch (takeoverErr) {
          rethrowDynamoError(takeoverErr)
        }
      }
    },

    /** Records the answer of the attempt that holds the key (a stale attempt records nothing). */
    async complete(ref: RecordRef, answer: StoredAnswer, now: Date): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(ref.userId, ref.scope),
            UpdateExpression: `SET #status = :done, response_status = :code, completed_at = :now${answer.body !== undefined ? ', response_body = :body' : ''}${answer.ref !== undefined ? ', response_ref = :ref' : ''} REMOVE lease_until`,
            ConditionExpression: 'attempt = :attempt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':done': 'completed',
              ':code': answer.status,
              ':now': now.toISOString(),
              ':attempt': ref.attempt,
              ...(answer.body !== undefined ? { ':body': answer.body } : {}),
              ...(answer.ref !== undefined ? { ':ref': answer.ref } : {}),
            },
          }),
        )
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return
        rethrowDynamoError(err)
      }
    },

    /** Frees the key after an answer that must not be replayed (a refusal that a retry may get past). */
    async release(ref: RecordRef): Promise<void> {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(ref.userId, ref.scope),
            ConditionExpression: 'attempt = :attempt AND #status = :running',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':attempt': ref.attempt, ':running': 'in_progress' },
          }),
        )
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return
        rethrowDynamoError(err)
      }
    },

    /** Moves the key to a new operation (its old one was refunded and cannot run again). */
    async renewOperation(ref: RecordRef, operationId: string): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(ref.userId, ref.scope),
            UpdateExpression: 'SET operation_id = :op',
            ConditionExpression: 'attempt = :attempt',
            ExpressionAttributeValues: { ':op': operationId, ':attempt': ref.attempt },
          }),
        )
      } catch (err) {
        rethrowDynamoError(err)
      }
    },
  }
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>
