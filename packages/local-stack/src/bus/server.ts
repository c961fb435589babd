// The local EventBridge-compatible bus: answers PutEvents from the real @aws-sdk/client-eventbridge
// (AWS JSON 1.1 over HTTP), matches the rules of @f1/events and puts each matched event on its target
// consumer's queue (served by this process: ./queues.ts) with retries, keeping what it cannot put in a
// dead-letter file. The consumers poll their queues with the real SQS client, as they do in AWS.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CONSUMERS, RULES, type Consumer, type EventRule } from '@f1/events/rules'
import { busSettingsFromEnv, type BusEnvSettings } from './config.ts'
import { openDeadLetterStore, type DeadLetter, type DeadLetterSummary, type ReplayFilter, type ReplayReport } from './dead-letters.ts'
import { createDeliverer, DEFAULT_RETRY, silentLogger, type BusLogger, type DeliveryStats, type RetryPolicy } from './delivery.ts'
import { compileEventPattern } from './pattern.ts'
import { putEvents, type AcceptedEvent } from './put-events.ts'
import { eventQueueEnv, localSqsClient, sendEvent, startLocalQueues, type EventQueueUrls } from './queues.ts'

export { DEFAULT_BUS_NAME, DEFAULT_BUS_PORT, DEFAULT_EVENT_QUEUE_PORT } from './config.ts'
export { jsonLineLogger } from './logger.ts'
export type { BusLogger, RetryPolicy } from './delivery.ts'
export type { DeadLetter, DeadLetterSummary, ReplayFilter, ReplayReport } from './dead-letters.ts'
export type { BusEvent } from './put-events.ts'
export type { EventQueueUrls } from './queues.ts'

export interface LocalBusOptions {
  /** Default EVENT_BUS_PORT, else EVENTBRIDGE_ENDPOINT's port, else 4010; 0 picks a free port. */
  port?: number
  /** The consumers' queues (the local SQS); default EVENT_QUEUE_PORT, else SQS_ENDPOINT's port, else 4011; 0 picks a free port. */
  queuePort?: number
  /** Default 127.0.0.1, for both. */
  host?: string
  /** Default RULES from @f1/events/rules. */
  rules?: readonly EventRule[]
  /** The custom bus the rules live on; default EVENT_BUS_NAME, else f1-events-dev. */
  busName?: string
  /** Where dead-letters.jsonl lives; default EVENT_BUS_DEAD_LETTER_DIR, else <repo>/.local/bus. */
  deadLetterDir?: string
  retry?: Partial<RetryPolicy>
  /** Pino-compatible; default silent. */
  logger?: BusLogger
  /** Region in events when the request's SigV4 scope has none; default AWS_REGION, else us-east-1. */
  region?: string
  /** Account id in events and queue URLs; default 000000000000. */
  account?: string
  /** Where the defaults above come from; default process.env. */
  env?: NodeJS.ProcessEnv
}

export interface BusStats extends DeliveryStats {
  putEventsRequests: number
  entriesAccepted: number
  entriesFailed: number
  /** Accepted events that matched no rule (dropped, as EventBridge does). */
  unmatched: number
}

export interface LocalBus {
  /** The endpoint for the SDK client (`new EventBridgeClient({ endpoint: bus.url })`). */
  url: string
  port: number
  busName: string
  /** The local SQS serving the consumers' queues (`new SQSClient({ endpoint: bus.sqsEndpoint })`). */
  sqsEndpoint: string
  queuePort: number
  /** Each consumer's queue and dead-letter queue (`<consumer>-events`, `<consumer>-events-dlq`). */
  queues: Record<Consumer, EventQueueUrls>
  /** simulation-service's job queue. */
  jobQueueUrl: string
  /**
   * An app's settings for the local queues it reads: a consumer's EVENT_QUEUE_URL,
   * EVENT_DEAD_LETTER_QUEUE_URL and SQS_ENDPOINT; simulation-service's SIMULATION_JOB_QUEUE_URL and
   * SQS_ENDPOINT; nothing for the others.
   */
  queueEnv(app: string): Record<string, string>
  stats(): BusStats
  /** Resolves once every event accepted so far is on its queues or dead-lettered (not yet consumed). */
  idle(): Promise<void>
  deadLetters: {
    file: string
    list(options?: { limit?: number }): Promise<DeadLetterSummary[]>
    entries(): AsyncGenerator<DeadLetter>
    /** Puts them on their target's queue again; removes those put. */
    replay(filter: ReplayFilter): Promise<ReplayReport>
  }
  /**
   * Stops listening; puts waiting for a retry go to the dead letters, attempts under way get
   * `graceMs` (default 2000) to finish before they are aborted and dead-lettered too. Then the queues
   * stop: what they held is lost (they live in this process's memory).
   */
  close(options?: { graceMs?: number }): Promise<void>
}

const MAX_BODY_BYTES = 8 * 1024 * 1024
const AMZ_JSON = 'application/x-amz-json-1.1'

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        resolve(undefined)
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown, contentType = AMZ_JSON) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() })
  res.end(text)
}

const awsError = (res: ServerResponse, status: number, type: string, message: string) => send(res, status, { __type: type, message })

/** The region of the request's SigV4 credential scope (`Credential=AKID/20240101/eu-west-1/events/aws4_request`). */
function signedRegion(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/events\//.exec(req.headers.authorization ?? '')?.[1]
}

/** Starts the bus in this process; resolves once it listens. */
export async function startLocalBus(options: LocalBusOptions = {}): Promise<LocalBus> {
  // The environment is read only for what the options leave out.
  let settings: BusEnvSettings | undefined
  const env = () => (settings ??= busSettingsFromEnv(options.env ?? process.env))
  const port = options.port ?? env().port
  const queuePort = options.queuePort ?? env().queuePort
  const host = options.host ?? '127.0.0.1'
  const busName = options.busName ?? env().busName
  const defaultRegion = options.region ?? env().region
  const account = options.account ?? '000000000000'
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry }
  const logger = options.logger ?? silentLogger
  const deadLetters = openDeadLetterStore(options.deadLetterDir ?? env().deadLetterDir)

  // Bad patterns or targets without a queue fail the start, not the first event.
  const ruleList = (options.rules ?? RULES).map((rule) => ({ ...rule, matches: compileEventPattern(rule.eventPattern) }))
  const local = await startLocalQueues({ port: queuePort, host, region: defaultRegion, account })
  const queueOf = (target: string): EventQueueUrls | undefined =>
    Object.hasOwn(local.queues, target) ? local.queues[target as Consumer] : undefined
  const missing = ruleList.find((rule) => !queueOf(rule.target))
  if (missing) {
    await local.close()
    throw new Error(`Rule ${missing.name} targets ${missing.target}, which is not a consumer with a queue`)
  }
  const rules = ruleList.map((rule) => ({ ...rule, queueUrl: queueOf(rule.target)!.queueUrl }))
  const sqs = localSqsClient(local.endpoint, defaultRegion)
  const deliverer = createDeliverer({
    put: (delivery, signal) => sendEvent(sqs, delivery.queueUrl, delivery.event, { timeoutMs: retry.requestTimeoutMs, signal }),
    retry,
    deadLetters,
    logger,
  })
  const counters = { putEventsRequests: 0, entriesAccepted: 0, entriesFailed: 0, unmatched: 0 }
  let routing = 0 // answered PutEvents whose events are not handed to the deliverer yet

  async function idle() {
    do {
      await new Promise((resolve) => setImmediate(resolve))
      await deliverer.idle()
    } while (routing > 0)
  }

  function route(accepted: AcceptedEvent[]) {
    for (const { busName: bus, event } of accepted) {
      const matched = bus === busName ? rules.filter((rule) => rule.matches(event)) : []
      if (matched.length === 0) {
        counters.unmatched++
        logger.debug({ eventId: event.id, bus, source: event.source, detailType: event['detail-type'] }, 'no rule matched; event dropped')
      }
      for (const rule of matched) deliverer.deliver({ event, rule: rule.name, target: rule.target, queueUrl: rule.queueUrl })
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && (path === '/health' || path === '/ready')) {
      return send(res, 200, { status: 'ok', bus: busName, rules: rules.length, sqs: local.endpoint }, 'application/json')
    }
    const target = req.headers['x-amz-target']
    if (req.method !== 'POST' || path !== '/' || typeof target !== 'string') {
      return send(res, 404, { message: 'Not found: this is a local EventBridge endpoint (POST / with X-Amz-Target)' }, 'application/json')
    }
    const raw = await readBody(req)
    if (raw === undefined) return awsError(res, 413, 'ValidationException', 'Request is too large.')
    if (target !== 'AWSEvents.PutEvents')
      return awsError(res, 400, 'UnknownOperationException', `The local bus only implements PutEvents, not ${target}.`)
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8') || '{}')
    } catch {
      return awsError(res, 400, 'SerializationException', 'Start of structure or map found where not expected.')
    }
    counters.putEventsRequests++
    const outcome = putEvents(body, {
      buses: new Set([busName]),
      account,
      region: signedRegion(req) ?? defaultRegion,
      now: () => new Date(),
      newId: randomUUID,
    })
    if (!outcome.ok) {
      logger.info({ error: outcome.type, message: outcome.message.slice(0, 200) }, 'PutEvents refused')
      return awsError(res, outcome.status, outcome.type, outcome.message)
    }
    counters.entriesAccepted += outcome.accepted.length
    counters.entriesFailed += outcome.response.FailedEntryCount
    if (outcome.response.FailedEntryCount > 0)
      logger.info({ failed: outcome.response.Entries.filter((e) => 'ErrorCode' in e) }, 'PutEvents entries refused')
    send(res, 200, outcome.response)
    // PutEvents answers before any delivery is attempted, as on AWS.
    routing++
    setImmediate(() => {
      routing--
      route(outcome.accepted)
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'bus request failed')
      if (!res.headersSent) awsError(res, 500, 'InternalException', 'Internal error in the local bus.')
      else res.destroy()
    })
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(`Port ${port} is already in use; is another bus running? Set EVENT_BUS_PORT or pass port.`)
            : err,
        ),
      )
      server.listen(port, host, () => resolve())
    })
  } catch (err) {
    sqs.destroy()
    await local.close()
    throw err
  }
  const actualPort = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`
  logger.info(
    { url, sqs: local.endpoint, bus: busName, rules: rules.map((r) => `${r.name} -> ${r.target}`), deadLetters: deadLetters.file },
    'local event bus listening',
  )

  let closing: Promise<void> | undefined
  return {
    url,
    port: actualPort,
    busName,
    sqsEndpoint: local.endpoint,
    queuePort: local.port,
    queues: local.queues,
    jobQueueUrl: local.jobQueueUrl,
    queueEnv: (app) => ({
      ...((CONSUMERS as readonly string[]).includes(app) ? eventQueueEnv(local.endpoint, local.queues[app as Consumer]) : {}),
      ...(app === 'simulation-service' ? { SIMULATION_JOB_QUEUE_URL: local.jobQueueUrl, SQS_ENDPOINT: local.endpoint } : {}),
    }),
    stats: () => ({ ...counters, ...deliverer.stats() }),
    idle,
    deadLetters: {
      file: deadLetters.file,
      list: (listOptions) => deadLetters.list(listOptions),
      entries: () => deadLetters.entries(),
      replay: (filter) =>
        deadLetters.replay(filter, async (record) => {
          const queue = queueOf(record.target)
          if (!queue) return { ok: false, retryable: false, error: `${record.target} has no queue` }
          return sendEvent(sqs, queue.queueUrl, record.event, { timeoutMs: retry.requestTimeoutMs })
        }),
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await deliverer.close(closeOptions.graceMs ?? 2_000)
        server.closeAllConnections()
        await stopped
        // A PutEvents answered during the close: its deliveries are dead-lettered at once; wait for the writes.
        await idle()
        sqs.destroy()
        await local.close()
        logger.info({ stats: { ...counters, ...deliverer.stats() } }, 'local event bus stopped')
      })()
      return closing
    },
  }
}
