// Sending to DynamoDB through a Pacer: throttling answers slow the pacer down and are retried for as
// long as it takes; transient failures (network, 5xx, timeouts) are retried a few times with backoff;
// anything else is thrown at once.
import { setTimeout as sleep } from 'node:timers/promises'
import { isDynamoUnavailable, rethrowDynamoError } from '@f1/tables/errors'
import type { Pacer } from './pacer.ts'

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])
/** Per-item codes of a cancelled transaction that mean "too fast", not "wrong". */
export const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded'])

const TRANSIENT_ATTEMPTS = 8

/** True for DynamoDB's "slow down" answers. */
export function isThrottling(err: unknown): boolean {
  return err instanceof Error && THROTTLING.has(err.name)
}

export interface SendOptions {
  /** Items the request carries, for the pacer's rate cap (0 for reads). */
  cost: number
  signal?: AbortSignal | undefined
}

/** Sends once the pacer allows, retrying throttling without end and transient failures a few times. */
export async function paced<T>(pacer: Pacer, options: SendOptions, send: () => Promise<T>): Promise<T> {
  for (let transient = 0; ; ) {
    options.signal?.throwIfAborted()
    await pacer.acquire(options.cost)
    try {
      const result = await send()
      pacer.onSuccess()
      return result
    } catch (err) {
      if (isThrottling(err)) {
        pacer.onThrottle()
        continue
      }
      if (isDynamoUnavailable(err) && ++transient < TRANSIENT_ATTEMPTS) {
        await sleep(Math.min(5_000, 100 * 2 ** transient) * (0.5 + Math.random() / 2))
        continue
      }
      rethrowDynamoError(err)
    } finally {
      pacer.release()
    }
  }
}

/** A backoff pause with jitter for retries that are not throttling (conflicts, unprocessed items). */
export function backoff(attempt: number, baseMs = 25, maxMs = 2_000): Promise<void> {
  return sleep(Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + Math.random() / 2))
}
