// TransactWriteItems with the retry DynamoDB leaves to the caller: a transaction touching an
// item another transaction holds is cancelled (TransactionConflict) instead of queued.
import { setTimeout as sleep } from 'node:timers/promises'
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb'
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
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
