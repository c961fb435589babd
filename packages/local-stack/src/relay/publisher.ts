// Puts a batch on the bus with the real EventBridge SDK: a partial failure does not throw, so the
// entries that failed are found in the answer and sent again, alone, with backoff and jitter, forever.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import type { BusLogger } from '../bus/delivery.ts'
import type { RelayCounters } from './counters.ts'
import { pause } from './pause.ts'

export interface Publisher {
  /** Sends until every entry is accepted; `sent: false` when the relay stopped before that. */
  send(entries: PutEventsRequestEntry[], context: { table: string }): Promise<{ sent: true; attempts: number } | { sent: false }>
  close(): void
}

export interface PublisherOptions {
  endpoint?: string | undefined
  region: string
  logger: BusLogger
  counters: RelayCounters
  /** The delay before retry `attempt` (1-based). */
  backoffMs(attempt: number): number
  /** Fires when the relay stops: no new attempt starts after it. */
  stopping: AbortSignal
  requestTimeoutMs?: number
}

export function createPublisher(options: PublisherOptions): Publisher {
  const { logger, counters } = options
  const client = new EventBridgeClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // One attempt per call: the retries below know which entries failed, the SDK's would resend all.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: options.requestTimeoutMs ?? 5_000 },
  })

  return {
    async send(entries, { table }) {
      let pending = entries
      for (let attempt = 1; ; attempt++) {
        // The batch in flight when the relay stops is finished; no new attempt is started.
        if (options.stopping.aborted) return { sent: false }
        counters.putEventsRequests++
        try {
          const out = await client.send(new PutEventsCommand({ Entries: pending }))
          const results = out.Entries ?? []
          if (!out.FailedEntryCount && results.length === pending.length) {
            counters.eventsSent += pending.length
            return { sent: true, attempts: attempt }
          }
          // Results are in the order of the request's entries.
          const failed: PutEventsRequestEntry[] = []
          const errors: Record<string, number> = {}
          for (const [i, entry] of pending.entries()) {
            const result = results[i]
            if (result?.EventId && !result.ErrorCode) continue
            failed.push(entry)
            const error = result?.ErrorCode ? `${result.ErrorCode}: ${result.ErrorMessage ?? ''}` : 'no result for the entry'
            errors[error] = (errors[error] ?? 0) + 1
          }
          counters.eventsSent += pending.length - failed.length
          if (failed.length === 0) return { sent: true, attempts: attempt }
          counters.entriesRetried += failed.length
          const wait = options.backoffMs(attempt)
          logger.warn(
            { table, failed: failed.length, of: pending.length, errors, attempt, retryInMs: Math.round(wait) },
            'PutEvents refused some entries; retrying them',
          )
          pending = failed
          await pause(wait, options.stopping)
        } catch (err) {
          counters.putEventsFailed++
          const wait = options.backoffMs(attempt)
          const cause = (err as { cause?: { code?: string } }).cause?.code
          logger.warn(
            {
              table,
              entries: pending.length,
              error: cause ?? (err as Error).name ?? String(err),
              message: (err as Error).message,
              attempt,
              retryInMs: Math.round(wait),
            },
            'PutEvents failed; retrying',
          )
          await pause(wait, options.stopping)
        }
      }
    },
    close: () => client.destroy(),
  }
}
