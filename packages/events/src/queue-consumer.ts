// Reads a consumer's events from its SQS queue, where the bus's rules put them: long polls, hands
// each message to the same handling as POST /events, deletes it once its effect is stored, and
// hides a failed one for a growing while (SQS's redrive policy moves it to the dead-letter queue
// after EVENT_QUEUE.maxReceiveCount receives). An event that breaks its contract goes to the
// dead-letter queue at once. A message whose handling was cut short by a crash or a stop comes back
// after the visibility timeout: delivery is at least once, and handlers are idempotent.
import { setTimeout as sleep } from 'node:timers/promises'
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs'
import type { FastifyBaseLogger } from 'fastify'
import { traceAwsCalls } from '@f1/service-kit/aws-tracing'
import { withDeadline } from '@f1/service-kit/deadline'
import { countMetric } from '@f1/service-kit/metrics'
import { checkedEnvelope, InvalidEventError, type EventOutcome } from './envelope.ts'
import { eventNameOf, type EventEnvelope } from '@f1/contracts/events'
import { EVENT_QUEUE } from './rules.ts'

export interface QueueConsumerOptions {
  sqs: SQSClient
  queueUrl: string
  /** Where an event that breaks its contract goes at once; unset, it is left to the queue's redrive policy. */
  deadLetterQueueUrl?: string | undefined
  /** Stores one event's effect; InvalidEventError means no delivery will ever succeed. */
  handle(envelope: EventEnvelope, log: FastifyBaseLogger): Promise<EventOutcome>
  log: FastifyBaseLogger
  /** Messages handled at once. */
  concurrency: number
  /** Long-poll wait of one receive; default 20 s, SQS's maximum. */
  waitTimeSeconds?: number
  random?: () => number
}

export interface QueueConsumerStats {
  received: number
  processed: number
  ignored: number
  /** Failures hidden for a while, to be received again. */
  retried: number
  /** Events that broke their contract, moved to the dead-letter queue. */
  deadLettered: number
  receiveErrors: number
  inFlight: number
}

export interface QueueConsumer {
  /** Starts polling; returns at once. */
  start(): void
  /** Stops receiving and waits up to `graceMs` for messages being handled; the rest come back after the visibility timeout. */
  stop(graceMs: number): Promise<void>
  stats(): QueueConsumerStats
}

/** A handler gets this long: its calls give up before the message becomes visible to another receiver. */
export const HANDLER_BUDGET_MS = (EVENT_QUEUE.visibilityTimeoutSeconds - 15) * 1000

/** The longest a failed message is hidden before its next receive. */
export const MAX_RETRY_DELAY_SECONDS = 600

/**
 * How long a message that failed on its `receiveCount`-th receive stays hidden: doubling from 2 s
 * with equal jitter, capped; across the receives the redrive policy allows that is about a quarter
 * of an hour, long enough for a table or a deploy to come back.
 */
export function retryDelaySeconds(receiveCount: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** Math.max(1, receiveCount))
  return Math.round(exp / 2 + random() * (exp / 2))
}

/** Header-like attributes a dead-lettered message carries: why it is there and where it came from. */
export const DEAD_LETTER_ATTRIBUTES = { error: 'f1-error', sourceQueue: 'f1-source-queue' } as const

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err))

export function createQueueConsumer(options: QueueConsumerOptions): QueueConsumer {
  const { sqs, queueUrl, deadLetterQueueUrl, handle, log, concurrency } = options
  const waitTimeSeconds = options.waitTimeSeconds ?? 20
  const random = options.random ?? Math.random
  const stats = { received: 0, processed: 0, ignored: 0, retried: 0, deadLettered: 0, receiveErrors: 0 }
  const jobs = new Set<Promise<void>>()
  const stopping = new AbortController()
  let loop: Promise<void> | undefined

  // Ends early, without throwing, when the consumer stops.
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined)

  async function retryLater(message: Message, receiveCount: number, reason: string, msgLog: FastifyBaseLogger) {
    const delay = retryDelaySeconds(receiveCount, random)
    stats.retried++
    msgLog.warn({ error: reason, retry_in_s: delay }, 'event not handled; it will be received again')
    countMetric(log, 'events_retried', {})
    try {
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: delay }),
      )
    } catch (err) {
      msgLog.warn({ err }, 'could not set the retry delay; the message comes back after the visibility timeout')
    }
  }

  async function deadLetter(message: Message, receiveCount: number, reason: string, msgLog: FastifyBaseLogger) {
    if (!deadLetterQueueUrl)
      return retryLater(message, receiveCount, `${reason} (no dead-letter queue configured: left to the redrive policy)`, msgLog)
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: message.Body ?? '',
          MessageAttributes: {
            [DEAD_LETTER_ATTRIBUTES.error]: { DataType: 'String', StringValue: reason.slice(0, 1024) || 'invalid event' },
            [DEAD_LETTER_ATTRIBUTES.sourceQueue]: { DataType: 'String', StringValue: queueUrl },
          },
        }),
      )
    } catch (err) {
      return retryLater(message, receiveCount, `${reason} (and the dead-letter queue refused it: ${errorText(err)})`, msgLog)
    }
    stats.deadLettered++
    msgLog.error({ error: reason }, 'event breaks its contract; moved to the dead-letter queue')
    countMetric(log, 'events_dead_lettered', {})
    await remove(message, msgLog)
  }

  async function remove(message: Message, msgLog: FastifyBaseLogger) {
    try {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }))
    } catch (err) {
      // Its effect is stored: the redelivery this causes is a no-op.
      msgLog.warn({ err }, 'could not delete a handled message; it will be delivered again')
    }
  }

  async function processMessage(message: Message) {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1)
    const msgLog = log.child({ sqs_message_id: message.MessageId, receive_count: receiveCount })
    let envelope: EventEnvelope
    try {
      envelope = checkedEnvelope(JSON.parse(message.Body ?? ''))
    } catch (err) {
      return deadLetter(
        message,
        receiveCount,
        err instanceof SyntaxError ? `the message body is not JSON: ${err.message}` : errorText(err),
        msgLog,
      )
    }
    let outcome: EventOutcome
    try {
      outcome = await withDeadline(HANDLER_BUDGET_MS, () => handle(envelope, msgLog))
    } catch (err) {
      if (err instanceof InvalidEventError) return deadLetter(message, receiveCount, errorText(err), msgLog)
      return retryLater(message, receiveCount, errorText(err), msgLog)
    }
    stats[outcome]++
    await remove(message, msgLog)
    // One line per event handled, as its POST /events request had: the delivered count, per type.
    // A type no contract knows is one value: a dimension takes few.
    const detailType = eventNameOf(envelope['detail-type']) ? envelope['detail-type'] : 'unknown'
    countMetric(msgLog, 'events_delivered', { detail_type: detailType, outcome })
  }

  function track(job: Promise<void>) {
    const tracked = job.catch((err: unknown) => log.error({ err }, 'event handling crashed')).finally(() => jobs.delete(tracked))
    jobs.add(tracked)
  }

  async function poll() {
    let failures = 0
    while (!stopping.signal.aborted) {
      while (jobs.size >= concurrency) await Promise.race(jobs)
      let messages: Message[]
      try {
        const res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, concurrency - jobs.size),
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: stopping.signal },
        )
        messages = res.Messages ?? []
        failures = 0
      } catch (err) {
        if (stopping.signal.aborted) break
        failures++
        stats.receiveErrors++
        const delayMs = Math.min(30_000, 250 * 2 ** failures)
        log.error({ err, queue: queueUrl, failures, retry_in_ms: delayMs }, 'could not receive events; trying again')
        await pause(delayMs)
        continue
      }
      stats.received += messages.length
      for (const message of messages) track(processMessage(message))
    }
  }

  return {
    start() {
      if (loop) return
      log.info({ queue: queueUrl, concurrency }, 'reading events from the queue')
      loop = poll()
    },
    async stop(graceMs) {
      stopping.abort()
      await loop
      const all = Promise.allSettled([...jobs])
      let timer: NodeJS.Timeout | undefined
      const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)))
      if ((await Promise.race([all, graceOver])) === 'timeout') {
        log.warn({ in_flight: jobs.size }, 'stopped with events still being handled; they come back after the visibility timeout')
      }
      clearTimeout(timer)
    },
    stats: () => ({ ...stats, inFlight: jobs.size }),
  }
}

/** An SQS client whose calls outlast a long poll; `endpoint` points it at the local queues. */
export function createSqsClient(options: { region: string; endpoint?: string | undefined }): SQSClient {
  const client = new SQSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 25_000 },
  })
  return traceAwsCalls(client, 'SQS')
}
