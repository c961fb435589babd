// The local EventBridge-compatible bus: answers PutEvents from the real @aws-sdk/client-eventbridge
// (AWS JSON 1.1 over HTTP), matches the rules of @f1/events, delivers to the consumers' POST /events
// with retries, and keeps what it cannot deliver in a dead-letter file.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RULES, type EventRule } from '@f1/events/rules'
import { busSettingsFromEnv, type BusEnvSettings } from './config.ts'
import { openDeadLetterStore, type DeadLetter, type DeadLetterSummary, type ReplayFilter, type ReplayReport } from './dead-letters.ts'
import {
  createDeliverer,
  DEFAULT_RETRY,
  postEvent,
  silentLogger,
  type BusLogger,
  type DeliveryStats,
  type RetryPolicy,
} from './delivery.ts'
import { compileEventPattern } from './pattern.ts'
import { putEvents, type AcceptedEvent } from './put-events.ts'

export { DEFAULT_BUS_NAME, DEFAULT_BUS_PORT, DEV_BUS_SECRET } from './config.ts'
export { jsonLineLogger } from './logger.ts'
export type { BusLogger, RetryPolicy } from './delivery.ts'
export type { DeadLetter, DeadLetterSummary, ReplayFilter, ReplayReport } from './dead-letters.ts'
export type { BusEvent } from './put-events.ts'

export interface LocalBusOptions {
  /** Default EVENT_BUS_PORT, else EVENTBRIDGE_ENDPOINT's port, else 4010; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default RULES from @f1/events/rules. */
  rules?: readonly EventRule[]
  /** The target app's consumer URL; default `<APP>_URL` (else http://127.0.0.1:<dev port>) + /events. */
  targetUrl?: (app: string) => string
  /** The custom bus the rules live on; default EVENT_BUS_NAME, else f1-events-dev. */
  busName?: string
  /** Sent as `x-bus-secret`; default EVENT_BUS_SECRET, else the dev secret. */
  secret?: string
  /** Where dead-letters.jsonl lives; default EVENT_BUS_DEAD_LETTER_DIR, else <repo>/.local/bus. */
  deadLetterDir?: string
  retry?: Partial<RetryPolicy>
  /** Pino-compatible; default silent. */
  logger?: BusLogger
  /** Region in events when the request's SigV4 scope has none; default AWS_REGION, else us-east-1. */
  region?: string
  /** Account id in events; default 000000000000. */
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
  stats(): BusStats
  /** Resolves once no delivery is in flight or waiting for a retry. */
  idle(): Promise<void>
  deadLetters: {
    file: string
    list(options?: { limit?: number }): Promise<DeadLetterSummary[]>
    entries(): AsyncGenerator<DeadLetter>
    /** Re-delivers to the target's current URL; removes what was delivered. */
    replay(filter: ReplayFilter): Promise<ReplayReport>
  }
  /**
   * Stops listening; deliveries waiting for a retry go to the dead letters, attempts under way get
   * `graceMs` (default 2000) to finish before they are aborted and dead-lettered too.
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
  const host = options.host ?? '127.0.0.1'
  const busName = options.busName ?? env().busName
  const secret = options.secret ?? env().secret
  const targetUrl = options.targetUrl ?? env().targetUrl
  const defaultRegion = options.region ?? env().region
  const account = options.account ?? '000000000000'
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry }
  const logger = options.logger ?? silentLogger
  const deadLetters = openDeadLetterStore(options.deadLetterDir ?? env().deadLetterDir)

  // Bad patterns or unknown targets fail the start, not the first event.
  const rules = (options.rules ?? RULES).map((rule) => ({
    ...rule,
    url: targetUrl(rule.target),
    matches: compileEventPattern(rule.eventPattern),
  }))
  /** The target's URL now (the resolver may follow a restarted app), else the one it had at start. */
  const urlOf = (rule: { target: string; url: string }) => {
    try {
      return targetUrl(rule.target)
    } catch {
      return rule.url
    }
  }
  const deliverer = createDeliverer({ secret, retry, deadLetters, logger })
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
      for (const rule of matched) deliverer.deliver({ event, rule: rule.name, target: rule.target, url: urlOf(rule) })
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && (path === '/health' || path === '/ready')) {
      return send(res, 200, { status: 'ok', bus: busName, rules: rules.length }, 'application/json')
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
  const actualPort = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`
  logger.info(
    { url, bus: busName, rules: rules.map((r) => `${r.name} -> ${r.target}`), deadLetters: deadLetters.file },
    'local event bus listening',
  )

  let closing: Promise<void> | undefined
  return {
    url,
    port: actualPort,
    busName,
    stats: () => ({ ...counters, ...deliverer.stats() }),
    idle,
    deadLetters: {
      file: deadLetters.file,
      list: (listOptions) => deadLetters.list(listOptions),
      entries: () => deadLetters.entries(),
      replay: (filter) =>
        deadLetters.replay(filter, (record) => postEvent(urlOf(record), record.event, { secret, timeoutMs: retry.requestTimeoutMs })),
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
        logger.info({ stats: { ...counters, ...deliverer.stats() } }, 'local event bus stopped')
      })()
      return closing
    },
  }
}
