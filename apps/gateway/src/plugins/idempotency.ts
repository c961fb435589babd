// Idempotency-Key on the routes that charge or create (Stripe's semantics): the same user, route,
// key and body get the first answer again (`idempotent-replayed: true`) without running twice; the
// key with another body is 422; while the first request runs, another with its key is 409. Every
// request of such a route runs under an operation id (`request.operationId`): the key's, so a retry
// after a crash reruns the same operation, which the services never charge or store twice.
import { createHash } from 'node:crypto'
import Type from 'typebox'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { ulid } from 'ulid'
import { withoutDeadline } from '@f1/service-kit/deadline'
import { withExtras } from '@f1/service-kit/errors'
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, InvalidIdempotencyKeyError } from '../errors.ts'
import { createIdempotencyRepository, type IdempotencyRepository, type RecordRef, type StoredAnswer } from '../repositories/idempotency.ts'

export const IDEMPOTENCY_HEADER = 'idempotency-key'
// Printable ASCII without spaces, as Stripe takes them.
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/
// A stored body must fit an item with room to spare; bigger answers are stored by reference.
const MAX_STORED_BODY = 300 * 1024

/** The header as routes declare it (the plugin checks its value itself, so a bad key is one clear 400). */
export const IdempotencyHeadersSchema = Type.Object({
  [IDEMPOTENCY_HEADER]: Type.Optional(
    Type.String({
      description: 'Any unique string (a UUID): a retry with the same key and body gets the first answer, never a second run or charge',
    }),
  ),
})

export interface IdempotencyRouteConfig {
  /** How long a request holds its key before a retry may take it over: longer than the route can run (default: the plugin's). */
  leaseMs?: number
  /** Stores the answer as a reference (e.g. a simulation id) instead of its body, and reads it back. */
  reference?: { of(body: unknown): string | undefined; read(request: FastifyRequest, ref: string): Promise<unknown> }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes an Idempotency-Key. */
    idempotency?: IdempotencyRouteConfig
  }
  interface FastifyRequest {
    /** The operation this request runs: its Idempotency-Key's, or a fresh ULID. */
    operationId: string
    /** Set while this request holds an Idempotency-Key. */
    idempotency: (RecordRef & { resumed: boolean; keep: boolean }) | null
  }
  interface FastifyInstance {
    idempotencyRecords: IdempotencyRepository
  }
}

/** A JSON text of a value with object keys sorted, so `{a, b}` and `{b, a}` hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * Answers that are replayed: successes and the request's own verdicts. Refusals a retry may get past
 * (401, 403 before an upgrade, 409, 429 after midnight, any 5xx) free the key instead.
 */
const isFinal = (status: number) => status < 300 || status === 400 || status === 404 || status === 422

export default fp<{ tableName: string; defaultLeaseMs: number; now?: () => Date }>(
  async (app, options) => {
    const now = options.now ?? (() => new Date())
    const records = createIdempotencyRepository({ doc: app.dynamo.doc, tableName: options.tableName })
    app.decorate('idempotencyRecords', records)
    app.decorateRequest('operationId', '')
    app.decorateRequest('idempotency', null)

    async function replay(request: FastifyRequest, reply: FastifyReply, answer: StoredAnswer, config: IdempotencyRouteConfig) {
      reply.header('idempotent-replayed', 'true').code(answer.status)
      if (answer.ref !== undefined && config.reference) return reply.send(await config.reference.read(request, answer.ref))
      return reply.type('application/json; charset=utf-8').send(answer.body ?? '')
    }

    async function begin(request: FastifyRequest, reply: FastifyReply) {
      const config = request.routeOptions.config.idempotency!
      request.operationId = ulid()
      const key = request.headers[IDEMPOTENCY_HEADER]
      if (key === undefined) return
      if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw new InvalidIdempotencyKeyError()
      const userId = request.user.sub
      const scope = `${request.method} ${request.routeOptions.url}#${key}`
      const hash = createHash('sha256')
        .update(canonical(request.body ?? null))
        .digest('base64url')
      const leaseMs = config.leaseMs ?? options.defaultLeaseMs
      const outcome = await records.begin({ userId, scope, hash, operationId: request.operationId, leaseMs, now: now() })
      switch (outcome.kind) {
        case 'started':
        case 'resumed':
          request.operationId = outcome.operationId
          request.idempotency = { userId, scope, attempt: outcome.attempt, resumed: outcome.kind === 'resumed', keep: false }
          return
        case 'replay':
          return replay(request, reply, outcome.answer, config)
        case 'mismatch':
          throw new IdempotencyKeyReusedError()
        case 'in_progress':
          throw withExtras(new IdempotencyKeyInUseError(), {
            headers: { 'retry-after': String(Math.max(1, Math.ceil((outcome.leaseUntil - now().getTime()) / 1000))) },
          })
      }
    }

    async function finish(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const held = request.idempotency
      if (!held) return payload
      request.idempotency = null
      const config = request.routeOptions.config.idempotency!
      try {
        if (isFinal(reply.statusCode)) {
          const text = typeof payload === 'string' ? payload : ''
          const answer: StoredAnswer = { status: reply.statusCode }
          const ref = reply.statusCode < 300 && config.reference ? config.reference.of(JSON.parse(text || 'null')) : undefined
          if (ref !== undefined) answer.ref = ref
          else if (Buffer.byteLength(text) <= MAX_STORED_BODY) answer.body = text
          else return payload
          // Recorded even when the request's own time ran out: the answer is about to go out.
          await withoutDeadline(() => records.complete(held, answer, now()))
        } else if (!held.keep) await withoutDeadline(() => records.release(held))
        // held.keep: the outcome is unknown; the key stays taken until its lease ends, then a retry reruns the operation.
      } catch (err) {
        // The answer still goes out; a retry within the lease gets 409, after it the operation runs again (never twice charged).
        request.log.error({ err }, 'could not record the idempotency key')
      }
      return payload
    }

    app.addHook('onRoute', (route: RouteOptions) => {
      if (!route.config?.idempotency) return
      route.preHandler = [...toArray(route.preHandler), begin]
      route.onSend = [...toArray(route.onSend), finish]
    })
  },
  { name: 'idempotency', dependencies: ['dynamodb'], fastify: '5.x' },
)

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}
