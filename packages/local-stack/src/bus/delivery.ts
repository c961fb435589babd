// Delivery of matched events to their targets' queues (EventBridge's SQS target): one job per (event,
// rule), retried with exponential backoff and jitter on retryable failures, bounded by attempts and
// age (the rule's retry policy), then dead-lettered (the rule's dead-letter queue).
import { setTimeout as sleep } from 'node:timers/promises'
import type { AttemptResult, DeadLetterStore } from './dead-letters.ts'
import type { BusEvent } from './put-events.ts'

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number
  /** No retry is scheduled that would start later than this after the first attempt. */
  maxAgeMs: number
  /** Delay before the first retry; doubles with each attempt. */
  baseDelayMs: number
  maxDelayMs: number
  /** Time one attempt may take before it counts as a network error. */
  requestTimeoutMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxAgeMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  requestTimeoutMs: 5_000,
}

/** Pino-compatible subset: object first, then the message. */
export interface BusLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export const silentLogger: BusLogger = { debug() {}, info() {}, warn() {}, error() {} }

export interface DeliveryStats {
  /** Deliveries (event x matched rule) started. */
  scheduled: number
  /** Put on the target's queue. */
  delivered: number
  /** Retries scheduled after a retryable failure. */
  retries: number
  deadLettered: number
  inFlight: number
}

export interface Delivery {
  event: BusEvent
  rule: string
  target: string
  queueUrl: string
}

/** One attempt at putting a delivery's event on its queue; `signal` aborts it when the bus stops. */
export type Put = (delivery: Delivery, signal: AbortSignal) => Promise<AttemptResult>

/** Exponential backoff with equal jitter: half the doubled delay fixed, half random. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return exp / 2 + random() * (exp / 2)
}

export interface Deliverer {
  /** Starts delivering in the background; never throws. */
  deliver(delivery: Delivery): void
  stats(): DeliveryStats
  /** Resolves when no delivery is in flight or waiting for a retry. */
  idle(): Promise<void>
  /**
   * Stops: deliveries waiting for a retry are dead-lettered at once; attempts under way get `graceMs`
   * to finish, then are aborted and dead-lettered. Resolves once every dead letter is written.
   */
  close(graceMs: number): Promise<void>
}

/** The delivery engine of one bus: background jobs, retries, dead letters, a graceful close. */
export function createDeliverer(options: {
  put: Put
  retry: RetryPolicy
  deadLetters: DeadLetterStore
  logger: BusLogger
  random?: () => number
}): Deliverer {
  const { put, retry, deadLetters, logger } = options
  const random = options.random ?? Math.random
  const stats: DeliveryStats = { scheduled: 0, delivered: 0, retries: 0, deadLettered: 0, inFlight: 0 }
  const jobs = new Set<Promise<void>>()
  const stopping = new AbortController() // cuts retry waits short
  const aborting = new AbortController() // cuts attempts under way short
  let closed = false

  // Ends early, without throwing, when the bus stops.
  const wait = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined)

  async function deadLetter(delivery: Delivery, attempts: number, lastError: string, firstAttemptAt: number) {
    try {
      const record = await deadLetters.append({
        eventId: delivery.event.id,
        rule: delivery.rule,
        target: delivery.target,
        queueUrl: delivery.queueUrl,
        attempts,
        lastError,
        firstAttemptAt: new Date(firstAttemptAt).toISOString(),
        deadLetteredAt: new Date().toISOString(),
        event: delivery.event,
      })
      stats.deadLettered++
      logger.warn(
        { deadLetterId: record.id, eventId: delivery.event.id, rule: delivery.rule, target: delivery.target, attempts, lastError },
        'event dead-lettered',
      )
    } catch (err) {
      logger.error(
        { err, eventId: delivery.event.id, rule: delivery.rule, event: delivery.event },
        'could not write the dead letter; the event is only in this log line',
      )
    }
  }

  async function run(delivery: Delivery) {
    const firstAttemptAt = Date.now()
    let attempts = 0
    let lastError: string | undefined
    const giveUp = (error: string) => deadLetter(delivery, attempts, error, firstAttemptAt)
    for (;;) {
      if (closed)
        return giveUp(lastError ? `${lastError} (the bus stopped before the next retry)` : 'the bus stopped before the first attempt')
      attempts++
      const result = await put(delivery, aborting.signal)
      const log = { eventId: delivery.event.id, rule: delivery.rule, target: delivery.target, attempt: attempts }
      if (result.ok) {
        stats.delivered++
        logger.debug(log, 'event put on its queue')
        return
      }
      lastError = result.error
      if (!result.retryable || attempts >= retry.maxAttempts || aborting.signal.aborted) return giveUp(result.error)
      const delay = backoffMs(attempts, retry, random)
      if (Date.now() + delay - firstAttemptAt > retry.maxAgeMs) return giveUp(`${result.error} (maximum event age reached)`)
      if (closed) continue
      stats.retries++
      logger.info({ ...log, error: result.error, retryInMs: Math.round(delay) }, 'putting the event on its queue failed; retrying')
      await wait(delay)
    }
  }

  return {
    deliver(delivery) {
      stats.scheduled++
      stats.inFlight++
      const job = run(delivery)
        .catch((err: unknown) => logger.error({ err, eventId: delivery.event.id }, 'delivery crashed'))
        .finally(() => {
          stats.inFlight--
          jobs.delete(job)
        })
      jobs.add(job)
    },
    stats: () => ({ ...stats }),
    async idle() {
      while (jobs.size > 0) await Promise.allSettled([...jobs])
    },
    async close(graceMs) {
      closed = true
      stopping.abort()
      const all = Promise.allSettled([...jobs])
      let timer: NodeJS.Timeout | undefined
      const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)))
      if ((await Promise.race([all, graceOver])) === 'timeout') aborting.abort()
      clearTimeout(timer)
      while (jobs.size > 0) await Promise.allSettled([...jobs])
    },
  }
}
