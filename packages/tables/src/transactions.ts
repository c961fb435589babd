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
  /** The update's own condition failed. `item` is the item as it was (if any). */
  | { status: 'condition_failed'; item: Record<string, unknown> | undefined }

/**
 * Writes a marker item (put only if its key is new) and a conditional update in one transaction:
 * the pattern behind exactly-once operations (idempotency keys, processed event ids). Nothing is
 * written unless both succeed.
 */
export async function updateOnceWithMarker(
  doc: DynamoDBDocumentClient,
  marker: { TableName: string; Item: Record<string, unknown>; keyAttribute: string },
  update: Omit<UpdateCommandInput, 'ReturnValues'>,
): Promise<MarkedUpdateOutcome> {
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
        {
          Update: { ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as NonNullable<
            TransactWriteCommandInput['TransactItems']
          >[number]['Update'],
        },
      ],
    })
    return { status: 'applied' }
  } catch (err) {
    const [markerReason, updateReason] = cancellationReasons(err) ?? []
    if (markerReason?.Code === 'ConditionalCheckFailed') return { status: 'duplicate', marker: unmarshall(markerReason.Item ?? {}) }
    if (updateReason?.Code === 'ConditionalCheckFailed') {
      return { status: 'condition_failed', item: updateReason.Item ? unmarshall(updateReason.Item) : undefined }
    }
    throw err
  }
}
