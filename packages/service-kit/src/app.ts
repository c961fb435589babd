// Builds the Fastify app every service starts from: validation, error model, request ids,
// logging, /health and /ready. It never listens; server.ts does.
import { randomUUID } from 'node:crypto'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import swagger from '@fastify/swagger'
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type, { type Static } from 'typebox'
import Value from 'typebox/value'
import { BaseConfigProperties, trustProxyOption, type BaseConfig } from './config.ts'
import { answerClientError, DEFAULT_RETRY_AFTER_S, NotFoundError, toErrorResponse } from './errors.ts'
import { registerDeadlines } from './deadline.ts'
import { requestMetrics } from './metrics.ts'
import { addRequestSpans } from './request-spans.ts'
import { traceLogFields, tracingEnabled } from './tracing.ts'

interface FastifyReplyLike {
  code(status: number): { send(body: unknown): unknown }
}

/** A dependency probe for /ready: resolves when the dependency answers, rejects otherwise. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown>

declare module 'fastify' {
  interface FastifyInstance {
    /** Registers a probe that /ready runs (e.g. "dynamodb": describe the app's table). */
    addReadinessCheck(name: string, check: ReadinessCheck): void
  }
}

export type ServiceApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface OpenApiOptions {
  description?: string
  /** Security schemes of the spec (e.g. bearer JWT on the gateway); services get the service token. */
  securitySchemes?: Record<
    string,
    { type: 'http'; scheme: 'bearer'; bearerFormat?: string } | { type: 'apiKey'; in: 'header' | 'cookie'; name: string }
  >
  /** Tags with descriptions, in display order. */
  tags?: Array<{ name: string; description: string }>
}

export interface ServiceAppOptions {
  /** The app's name, on every log line and in /health. */
  name: string
  /** Describes the app's OpenAPI document (built from the route schemas). */
  openapi?: OpenApiOptions
  /** Timeouts and TRUST_PROXY take the BaseConfigProperties defaults when absent (tests). */
  config: Pick<BaseConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'> & Partial<ServerSettings>
  /** false silences logs (tests); a pino destination may be given for tests that read logs. */
  logger?: boolean | { stream: NodeJS.WritableStream }
  /**
   * The longest a legitimate handler of this app may run (the gateway: its simulation timeout). A
   * socket with a request in flight is silent meanwhile, so the connection timeout is kept above it.
   */
  longestHandlerMs?: number
  /** Longest a request may take (ms) unless its route sets `config.budgetMs`; callers' budgets shorten it. */
  defaultBudgetMs?: number
}

/** Budget of a request whose route and caller set none: internal callers always send theirs. */
const DEFAULT_BUDGET_MS = 30_000

const ServerSettingsSchema = Type.Object({
  REQUEST_TIMEOUT_MS: BaseConfigProperties.REQUEST_TIMEOUT_MS,
  CONNECTION_TIMEOUT_MS: BaseConfigProperties.CONNECTION_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS: BaseConfigProperties.KEEP_ALIVE_TIMEOUT_MS,
  TRUST_PROXY: BaseConfigProperties.TRUST_PROXY,
})
type ServerSettings = Static<typeof ServerSettingsSchema>
const SERVER_DEFAULTS = Value.Default(ServerSettingsSchema, {}) as ServerSettings
// Time between the end of the longest handler and the socket timeout (serializing, writing).
const HANDLER_MARGIN_MS = 10_000

const READY_TIMEOUT_MS = 2_000
const ReadySchema = Type.Object({
  status: Type.Enum(['ready', 'not_ready']),
  service: Type.String(),
  checks: Type.Record(Type.String(), Type.String()),
})
// Incoming ids are echoed into logs and headers: only accept short, plain ones.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

// Secrets that must never reach a log line, wherever they appear.
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-service-token"]',
  'req.headers["x-bus-secret"]',
  'req.headers["stripe-signature"]',
  '*.password',
  '*.token',
  '*.password_hash',
]

/** Node's timeouts, which Fastify leaves off: slow senders, silent sockets, idle keep-alives; and the trusted proxies. */
function serverOptions(options: ServiceAppOptions) {
  const { config } = options
  const requestTimeout = config.REQUEST_TIMEOUT_MS ?? SERVER_DEFAULTS.REQUEST_TIMEOUT_MS
  const connectionTimeout = config.CONNECTION_TIMEOUT_MS ?? SERVER_DEFAULTS.CONNECTION_TIMEOUT_MS
  return {
    requestTimeout,
    connectionTimeout: Math.max(connectionTimeout, (options.longestHandlerMs ?? 0) + HANDLER_MARGIN_MS),
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS ?? SERVER_DEFAULTS.KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: Math.min(requestTimeout, 60_000),
      // Node looks for expired requests every 30 s by default; a tenth of the timeout keeps the cut prompt.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeout / 10))),
    },
    // Behind a load balancer, request.ip is the client's address only when its hop is trusted.
    trustProxy: trustProxyOption(config.TRUST_PROXY ?? SERVER_DEFAULTS.TRUST_PROXY),
  }
}

function loggerOptions(options: ServiceAppOptions): FastifyServerOptions['logger'] {
  if (options.logger === false) return false
  return {
    level: options.config.LOG_LEVEL,
    base: { service: options.name },
    redact: { paths: REDACT, censor: '[redacted]' },
    // A log line written inside a traced request names its trace.
    ...(tracingEnabled() ? { mixin: traceLogFields } : {}),
    ...(typeof options.logger === 'object' ? { stream: options.logger.stream } : {}),
  }
}

/**
 * One log line per request: the completed line also names the route and carries its metrics
 * (metrics.ts), and Fastify's "incoming
 * request" line, which told nothing more, is not written (a second serialisation and write on
 * every request). Every other log of the controller (errors, 404s) stays as Fastify has it.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    // The route's pattern, never the URL: a metric dimension takes few values.
    const route = request.routeOptions.url ? `${request.method} ${request.routeOptions.url}` : 'unmatched'
    const metrics = requestMetrics(route, reply.statusCode, reply.elapsedTime)
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime, ...metrics }, 'request errored')
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime, ...metrics }, 'request completed')
  }
}

/**
 * A Fastify app with the platform's conventions. Add routes inside plugins (`app.register`), so
 * they are registered after the OpenAPI plugin and appear in the document; `listen` from server.ts.
 */
export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const app = Fastify({
    logger: loggerOptions(options),
    bodyLimit: options.config.BODY_LIMIT_BYTES,
    requestIdHeader: false,
    logController: new OneLinePerRequest({ requestIdLogLabel: 'request_id' }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id']
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    },
    // Idle keep-alive sockets are closed on shutdown; in-flight requests are let finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Ids in paths may be 128 characters (the contracts' limit); the router refuses longer ones (414).
    routerOptions: { maxParamLength: 256 },
    // The router's own refusals (a broken %-escape, an overlong parameter) get the error model too.
    frameworkErrors: (error, request, reply) => {
      const response = toErrorResponse(error)
      request.log.info({ code: response.body.error.code, status: response.statusCode }, response.body.error.message)
      // The generic reply type of this hook knows no status codes; the body is the error model's.
      void (reply as unknown as FastifyReplyLike).code(response.statusCode).send(response.body)
    },
    clientErrorHandler: answerClientError,
    ...serverOptions(options),
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Bodies are checked as sent (no coercion, unknown fields rejected); params and query convert.
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  registerDeadlines(app, options.defaultBudgetMs ?? DEFAULT_BUDGET_MS)
  // Before any route: the plugin wraps the routes registered after it.
  if (tracingEnabled()) addRequestSpans(app)

  // Registered before any route so that every route's schema lands in the document.
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.name,
        version: '1.0.0',
        ...(options.openapi?.description ? { description: options.openapi.description } : {}),
      },
      components: {
        securitySchemes: options.openapi?.securitySchemes ?? { serviceToken: { type: 'apiKey', in: 'header', name: 'x-service-token' } },
      },
      ...(options.openapi?.tags ? { tags: options.openapi.tags } : {}),
    },
  })

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  // A keep-alive socket whose request finishes after close() began would hold the server open
  // until the client hangs up (or its keep-alive times out): close such sockets as they turn idle.
  let idleSweep: NodeJS.Timeout | undefined
  app.addHook('preClose', async () => {
    idleSweep = setInterval(() => app.server.closeIdleConnections(), 50)
    idleSweep.unref()
  })
  app.addHook('onClose', async () => clearInterval(idleSweep))

  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error)
    // 502 means a dependency answered wrongly (a bad service token, a misconfigured Stripe): an operator's problem.
    if (response.statusCode === 500 || response.statusCode === 502) request.log.error({ err: error }, 'request failed')
    // A failure with a cause (DynamoDB, a callee) is worth a warning and its stack; a refusal under load
    // (AUTH_BUSY, SIMULATION_BUSY, OVERLOADED) comes by the thousand in a flood and is only counted.
    else if (response.statusCode > 500 && (error as { cause?: unknown }).cause)
      request.log.warn({ err: error }, response.body.error.message)
    else request.log.info({ code: response.body.error.code, status: response.statusCode }, response.body.error.message)
    return reply.code(response.statusCode).headers(response.headers).send(response.body)
  })

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(toErrorResponse(new NotFoundError(`Route ${request.method} ${request.url.split('?')[0]} not found`)).body),
  )

  const checks = new Map<string, ReadinessCheck>()
  app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
    checks.set(name, check)
  })

  const startedAt = Date.now()
  app.register(async (probes) => {
    probes.get(
      '/health',
      {
        logLevel: 'warn',
        schema: {
          summary: 'The process is up',
          tags: ['operations'],
          response: { 200: Type.Object({ status: Type.Literal('ok'), service: Type.String(), uptime_s: Type.Number() }) },
        },
      },
      async () => ({ status: 'ok' as const, service: options.name, uptime_s: Math.round((Date.now() - startedAt) / 1000) }),
    )

    probes.get(
      '/ready',
      {
        logLevel: 'warn',
        schema: {
          summary: 'Dependencies answer (503 with Retry-After when one does not)',
          tags: ['operations'],
          response: { 200: ReadySchema, 503: ReadySchema },
        },
      },
      async (request, reply) => {
        const results = await Promise.all(
          [...checks].map(async ([name, check]) => {
            try {
              await check(AbortSignal.timeout(READY_TIMEOUT_MS))
              return [name, 'ok'] as const
            } catch (err) {
              request.log.warn({ err, check: name }, 'readiness check failed')
              return [name, err instanceof Error ? err.name : 'failed'] as const
            }
          }),
        )
        const ready = results.every(([, state]) => state === 'ok')
        if (!ready) reply.code(503).header('retry-after', String(DEFAULT_RETRY_AFTER_S))
        return { status: ready ? ('ready' as const) : ('not_ready' as const), service: options.name, checks: Object.fromEntries(results) }
      },
    )

    probes.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  })

  return app
}
