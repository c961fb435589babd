// Publishes domain events to EventBridge without ever holding up or failing a user's request:
// events queue in memory, go out in PutEvents batches (10 entries, 256 KB), and failed entries
// are retried with exponential backoff and jitter until they go through or run out of attempts.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import Value from 'typebox/value'
import { EVENTS, type EventName } from '@f1/contracts/events'

export interface PublisherLogger {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface PublisherOptions {
  client: EventBridgeClient
  busName: string
  logger: PublisherLogger
  /** Events held at most; beyond it new events are dropped (and logged), never blocking a request. */
  maxQueue?: number
  maxAttempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
}

export interface PublisherStats {
  queued: number
  sent: number
  retried: number
  dropped: number
}

interface Pending {
  entry: PutEventsRequestEntry
  size: number
  attempts: number
  notBefore: number
}

// EventBridge's limits for one PutEvents call.
const MAX_ENTRIES = 10
const MAX_BATCH_BYTES = 256 * 1024

/** The size EventBridge counts for an entry (its documented formula). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = 14 // the Time field, counted whether set or not
  for (const value of [entry.Source, entry.DetailType, entry.Detail]) if (value) size += Buffer.byteLength(value)
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource)
  return size
}

/** The EventBridge client every app uses; `endpoint` points it at the local bus. */
export function createEventBridgeClient(options: { region: string; endpoint?: string | undefined }): EventBridgeClient {
  return new EventBridgeClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 1, // our queue retries, with the entries that actually failed
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
  })
}

export function createEventPublisher(options: PublisherOptions) {
  const maxQueue = options.maxQueue ?? 10_000
  const maxAttempts = options.maxAttempts ?? 8
  const baseDelay = options.baseDelayMs ?? 200
  const maxDelay = options.maxDelayMs ?? 30_000
  const queue: Pending[] = []
  const stats: PublisherStats = { queued: 0, sent: 0, retried: 0, dropped: 0 }
  let timer: NodeJS.Timeout | undefined
  let sending: Promise<void> | undefined

  const backoff = (attempts: number) => Math.min(maxDelay, baseDelay * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2)

  function schedule(delayMs: number): void {
    if (timer || sending) return
    timer = setTimeout(() => {
      timer = undefined
      sending = sendDue().finally(() => {
        sending = undefined
        const next = queue.reduce((min, p) => Math.min(min, p.notBefore), Infinity)
        if (next !== Infinity) schedule(Math.max(0, next - Date.now()))
      })
    }, delayMs)
    timer.unref()
  }

  function retryOrDrop(pending: Pending, reason: string): void {
    pending.attempts += 1
    if (pending.attempts >= maxAttempts) {
      stats.dropped += 1
      options.logger.error(
        { detail_type: pending.entry.DetailType, attempts: pending.attempts, reason },
        'event dropped after the last attempt',
      )
      return
    }
    stats.retried += 1
    pending.notBefore = Date.now() + backoff(pending.attempts)
    queue.push(pending)
  }

  /** Sends every due event, batch by batch. */
  async function sendDue(): Promise<void> {
    for (;;) {
      const now = Date.now()
      const batch: Pending[] = []
      let bytes = 0
      for (let i = 0; i < queue.length && batch.length < MAX_ENTRIES; ) {
        const pending = queue[i] as Pending
        if (pending.notBefore <= now && bytes + pending.size <= MAX_BATCH_BYTES) {
          batch.push(pending)
          bytes += pending.size
          queue.splice(i, 1)
        } else i++
      }
      if (batch.length === 0) return
      try {
        const res = await options.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }))
        // A partial failure does not throw: each failed entry carries its ErrorCode.
        batch.forEach((pending, i) => {
          const result = res.Entries?.[i]
          if (result?.ErrorCode) retryOrDrop(pending, `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`)
          else stats.sent += 1
        })
      } catch (err) {
        options.logger.warn({ err, events: batch.length }, 'PutEvents failed; will retry')
        for (const pending of batch) retryOrDrop(pending, (err as Error).name)
      }
    }
  }

  return {
    /**
     * Queues one event; returns at once. The detail is checked against its contract first: an
     * invalid one is a bug, logged and never sent.
     */
    publish<N extends EventName>(name: N, detail: Record<string, unknown>): void {
      const contract = EVENTS[name]
      const full = { ...detail, version: contract.version }
      if (!Value.Check(contract.detail, full)) {
        stats.dropped += 1
        const errors = [...Value.Errors(contract.detail, full)].slice(0, 5).map((e) => `${e.instancePath} ${e.message}`)
        options.logger.error({ detail_type: contract.detailType, errors }, 'event detail does not match its contract; not sent')
        return
      }
      if (queue.length >= maxQueue) {
        stats.dropped += 1
        options.logger.error({ detail_type: contract.detailType, queued: queue.length }, 'event queue full; event dropped')
        return
      }
      const entry: PutEventsRequestEntry = {
        Source: contract.source,
        DetailType: contract.detailType,
        Detail: JSON.stringify(full),
        EventBusName: options.busName,
        Time: new Date(String(full.occurred_at)),
      }
      stats.queued += 1
      queue.push({ entry, size: entrySize(entry), attempts: 0, notBefore: 0 })
      schedule(0)
    },

    /** Sends everything queued now (retries included, without waiting out their backoff); for shutdown. */
    async flush(timeoutMs = 5_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while ((queue.length > 0 || sending) && Date.now() < deadline) {
        if (timer) {
          clearTimeout(timer)
          timer = undefined
        }
        await sending
        for (const pending of queue) pending.notBefore = 0
        sending = sendDue().finally(() => (sending = undefined))
        await sending
        if (queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      if (queue.length > 0) options.logger.error({ events: queue.length }, 'events still unsent at shutdown')
    },

    stats(): PublisherStats & { pending: number } {
      return { ...stats, pending: queue.length }
    },
  }
}

export type EventPublisher = ReturnType<typeof createEventPublisher>
