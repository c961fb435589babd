// TransactWriteItems with the retry DynamoDB leaves to the caller: a transaction touching an
// item another transaction holds is cancelled (TransactionConflict) instead of queued.
import { setTimeout as sleep } from 'node:timers/promises'
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb'
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { DynamoDbContentionError } from './errors.ts'

/** The per-item reasons of a cancelled transaction (in TransactItems order), or undefined for any other error. */
export function cancellationReasons(err: unknown): CancellationReason[] | undefined {
  return err instanceof TransactionCanceledException ? (err.CancellationReasons ?? []) : undefined
}

/**
 * Sends the transaction, retrying with jittered exponential backoff while it is cancelled only
 * by conflicts. A cancellation with a failed condition is thrown as is: read it with
 * cancellationReasons(). Gives up with DynamoDbContentionError (503) after `maxAttempts`.
 */
export async function transactWrite(doc: DynamoDBDocumentClient, input: TransactWriteCommandInput, maxAttempts = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand(input))
      return
    } catch (err) {
      const reasons = cancellationReasons(err)
      const onlyConflicts =
        reasons !== undefined &&
        !reasons.some((r) => r.Code === 'ConditionalCheckFailed') &&
        reasons.some((r) => r.Code === 'TransactionConflict')
      if (!onlyConflicts) throw err
      if (attempt >= maxAttempts) throw new DynamoDbContentionError({ cause: err })
      await sleep(Math.random() * 10 * 2 ** attempt)
    }
  }
}

export type MarkedUpdateOutcome =
  | { status: 'applied' }
  /** The marker exists: this operation ran before. `marker` is the stored one. */
  | { status: 'duplicate'; marker: Record<string, unknown> }
  /** An update's own condition failed. `index` says which (in the order given); `item` is it as it was (if any). */
  | { status: 'condition_failed'; index: number; item: Record<string, unknown> | undefined }

type TransactUpdate = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

/**
 * Writes a marker item (put only if its key is new) and one or more conditional updates in one
 * transaction: the pattern behind exactly-once operations (idempotency keys, processed event ids,
 * charges). `also` rides along (the outbox items of the events the change means). Nothing is
 * written unless all succeed.
 */
export async function updateOnceWithMarker(
  doc: DynamoDBDocumentClient,
  marker: { TableName: string; Item: Record<string, unknown>; keyAttribute: string },
  update: Omit<UpdateCommandInput, 'ReturnValues'> | ReadonlyArray<Omit<UpdateCommandInput, 'ReturnValues'>>,
  also: readonly TransactItem[] = [],
): Promise<MarkedUpdateOutcome> {
  const updates = Array.isArray(update) ? update : [update as Omit<UpdateCommandInput, 'ReturnValues'>]
  try {
    await transactWrite(doc, {
      TransactItems: [
        {
          Put: {
            TableName: marker.TableName,
            Item: marker.Item,
            ConditionExpression: 'attribute_not_exists(#markerKey)',
            ExpressionAttributeNames: { '#markerKey': marker.keyAttribute },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...updates.map((u) => ({ Update: { ...u, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as TransactUpdate })),
        ...also,
      ],
    })
    return { status: 'applied' }
  } catch (err) {
    const [markerReason, ...rest] = cancellationReasons(err) ?? []
    if (markerReason?.Code === 'ConditionalCheckFailed') return { status: 'duplicate', marker: unmarshall(markerReason.Item ?? {}) }
    const updateReasons = rest.slice(0, updates.length)
    const index = updateReasons.findIndex((r) => r?.Code === 'ConditionalCheckFailed')
    if (index >= 0) {
      const reason = updateReasons[index]!
      return { status: 'condition_failed', index, item: reason.Item ? unmarshall(reason.Item) : undefined }
    }
    throw err
  }
}
