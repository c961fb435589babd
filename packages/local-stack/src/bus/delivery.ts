// Delivery of matched events to HTTP targets: one job per (event, rule), retried with exponential
// backoff and jitter on network errors, 408, 429 and 5xx, bounded by attempts and age, then dead-lettered.
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
  url: string
}

/** Whether an HTTP status is worth retrying: timeouts, throttling and server errors. */
export const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** POSTs the event JSON to the target once, with the bus secret header. */
export async function postEvent(
  url: string,
  event: BusEvent,
  options: { secret: string; timeoutMs: number; signal?: AbortSignal },
): Promise<AttemptResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bus-secret': options.secret, 'user-agent': 'f1-local-bus' },
      body: JSON.stringify(event),
      signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
    })
    const text = await res.text().catch(() => '')
    if (res.ok) return { ok: true, status: res.status }
    const error = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`
    const wait = retryAfterMs(res.headers.get('retry-after'))
    return {
      ok: false,
      retryable: isRetryableStatus(res.status),
      status: res.status,
      error,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    }
  } catch (err) {
    if (timeout.aborted) return { ok: false, retryable: true, error: `no answer within ${options.timeoutMs} ms` }
    if (options.signal?.aborted) return { ok: false, retryable: true, error: 'aborted: the bus stopped during the attempt' }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return { ok: false, retryable: true, error: cause?.code ?? cause?.message ?? (err as Error).message }
  }
}

/** Exponential backoff with equal jitter: half the doubled delay fixed, half random; Retry-After wins if longer. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number, retryAfter?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const jittered = exp / 2 + random() * (exp / 2)
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfter ?? 0))
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
  secret: string
  retry: RetryPolicy
  deadLetters: DeadLetterStore
  logger: BusLogger
  random?: () => number
}): Deliverer {
  const { secret, retry, deadLetters, logger } = options
  const random = options.random ?? Math.random
  const stats: DeliveryStats = { scheduled: 0, delivered: 0, retries: 0, deadLettered: 0, inFlight: 0 }
  const jobs = new Set<Promise<void>>()
  const stopping = new AbortController() // cuts retry waits short
  const aborting = new AbortController() // cuts attempts under way short
  let closed = false

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        stopping.signal.removeEventListener('abort', done)
        resolve()
      }
      stopping.signal.addEventListener('abort', done, { once: true })
    })

  async function deadLetter(delivery: Delivery, attempts: number, lastError: string, firstAttemptAt: number) {
    try {
      const record = await deadLetters.append({
        eventId: delivery.event.id,
        rule: delivery.rule,
        target: delivery.target,
        url: delivery.url,
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
      const result = await postEvent(delivery.url, delivery.event, { secret, timeoutMs: retry.requestTimeoutMs, signal: aborting.signal })
      const log = { eventId: delivery.event.id, rule: delivery.rule, target: delivery.target, attempt: attempts }
      if (result.ok) {
        stats.delivered++
        logger.debug({ ...log, status: result.status }, 'event delivered')
        return
      }
      lastError = result.error
      if (!result.retryable || attempts >= retry.maxAttempts || aborting.signal.aborted) return giveUp(result.error)
      const delay = backoffMs(attempts, retry, random, result.retryAfterMs)
      if (Date.now() + delay - firstAttemptAt > retry.maxAgeMs) return giveUp(`${result.error} (maximum event age reached)`)
      if (closed) continue
      stats.retries++
      logger.info({ ...log, error: result.error, retryInMs: Math.round(delay) }, 'delivery failed; retrying')
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
