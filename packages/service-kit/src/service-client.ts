// HTTP calls from one service to another: service token, request id, a deadline passed on as the
// callee's budget, and the callee's errors carried through in the error model. Sent with undici's
// Pool (keep-alive connections per callee): Node's global fetch builds WHATWG Request/Response
// objects on every call and cost about four times the CPU per call (docs/performance.md).
import { Pool } from 'undici'
import { CONNECT_TIMEOUT_MS } from './connect-timeout.ts'
import { SERVICE_TOKEN_HEADER } from './service-auth.ts'
import { DependencyMisconfiguredError, DependencyUnavailableError, UpstreamFailedError, withExtras } from './errors.ts'
import { BUDGET_HEADER, currentDeadline, DeadlineExceededError } from './deadline.ts'

export interface ServiceClientOptions {
  /** Name used in errors and logs, e.g. "usage-service". */
  name: string
  baseUrl: string
  serviceToken: string
  /** Longest a call may take, whatever the deadline. */
  timeoutMs?: number
}

export interface ServiceCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  body?: unknown
  /** Bytes to send exactly as received (e.g. a signed webhook); with its content-type. */
  raw?: { body: Buffer | string; contentType: string }
  query?: Record<string, string | undefined>
  requestId?: string
  headers?: Record<string, string>
  /**
   * Epoch ms by which the answer is needed. Default: the deadline of the request being served;
   * null: none (clean-up such as a refund, which must outlive the request that failed).
   */
  deadline?: number | null
}

export interface ServiceClient {
  readonly name: string
  /** Sends the call and returns the parsed 2xx body; a 4xx is rethrown as the callee's coded error. */
  call<T>(call: ServiceCall): Promise<T>
}

/**
 * What a failed call tells about the callee's side: `not_sent` (it never got the request),
 * `answered` (a 4xx: it decided and did nothing), `unknown` (timeout, reset, a 5xx: it may have
 * done the work, or may yet). Work that charges must be settled when the outcome is unknown.
 */
export type CallOutcome = 'not_sent' | 'answered' | 'unknown'

/** The outcome of a failed call (`unknown` for errors that did not come from a call). */
export function callOutcome(err: unknown): CallOutcome {
  const outcome = (err as { outcome?: unknown } | null)?.outcome
  return outcome === 'not_sent' || outcome === 'answered' ? outcome : 'unknown'
}

/** True when a call failed because the callee did not answer within the caller's time. */
export function timedOut(err: unknown): boolean {
  return (err as { cause?: { name?: string } } | null)?.cause?.name === 'TimeoutError'
}

interface UpstreamErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> }
}

const withOutcome = <E extends Error>(err: E, outcome: CallOutcome): E => Object.assign(err, { outcome })

/** The part of the remaining time kept back for the answer's trip home and our own work on it. */
const margin = (ms: number) => Math.min(500, Math.max(20, Math.floor(ms * 0.05)))

// Connection errors that mean the callee never received the request.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

function failureOutcome(err: unknown): CallOutcome {
  const code = (err as { code?: string } | null)?.code
  return code && NOT_SENT_CODES.has(code) ? 'not_sent' : 'unknown'
}

function queryString(query: ServiceCall['query']): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const base = new URL(options.baseUrl)
  const basePath = base.pathname.replace(/\/+$/, '')
  // Idle sockets are unref'd by undici, so an idle pool never holds a process open.
  const pool = new Pool(base.origin, { connect: { timeout: CONNECT_TIMEOUT_MS } })
  const maxTimeoutMs = options.timeoutMs ?? 5_000
  return {
    name: options.name,
    async call<T>(call: ServiceCall): Promise<T> {
      const deadline = call.deadline === undefined ? currentDeadline() : call.deadline
      const timeoutMs = deadline == null ? maxTimeoutMs : Math.min(maxTimeoutMs, deadline - Date.now())
      if (timeoutMs <= margin(timeoutMs)) {
        throw withOutcome(new DeadlineExceededError(), 'not_sent')
      }
      const headers: Record<string, string> = {
        [SERVICE_TOKEN_HEADER]: options.serviceToken,
        // The callee must answer before we stop waiting, retries included.
        [BUDGET_HEADER]: String(timeoutMs - margin(timeoutMs)),
        ...call.headers,
      }
      if (call.requestId) headers['x-request-id'] = call.requestId
      if (call.body !== undefined) headers['content-type'] = 'application/json'
      if (call.raw) headers['content-type'] = call.raw.contentType
      let status: number
      let retryAfter: string | undefined
      let text: string
      try {
        const res = await pool.request({
          method: call.method,
          path: basePath + call.path + queryString(call.query),
          headers,
          body: call.raw ? call.raw.body : call.body === undefined ? null : JSON.stringify(call.body),
          signal: AbortSignal.timeout(timeoutMs),
        })
        status = res.statusCode
        const header = res.headers['retry-after']
        retryAfter = Array.isArray(header) ? header[0] : header
        text = await res.body.text()
      } catch (err) {
        throw withOutcome(new DependencyUnavailableError(options.name, { cause: err }), failureOutcome(err))
      }
      const parsed: unknown = text ? safeJson(text) : undefined
      if (status >= 200 && status < 300) return parsed as T
      const upstream = (parsed ?? {}) as UpstreamErrorBody
      if (status === 401 || status === 403) {
        // Our credentials were refused: a configuration fault, never the user's "log in again".
        throw withOutcome(
          new DependencyMisconfiguredError({ cause: new Error(`${options.name} answered ${status}: ${text.slice(0, 200)}`) }),
          'answered',
        )
      }
      if (status === 503 && !upstream.error?.code) {
        throw withOutcome(
          withExtras(new DependencyUnavailableError(options.name), { headers: { 'retry-after': retryAfter ?? '5' } }),
          'unknown',
        )
      }
      if ((status >= 500 && status !== 503 && status !== 504) || !upstream.error?.code) {
        throw withOutcome(new UpstreamFailedError(options.name), 'unknown')
      }
      // The callee's 4xx, 503 or 504 is the caller's answer too: same status, code, message, details, Retry-After.
      const err = Object.assign(new Error(upstream.error.message ?? upstream.error.code), {
        code: upstream.error.code,
        statusCode: status,
      })
      return Promise.reject(
        withOutcome(
          withExtras(err, {
            ...(upstream.error.details ? { details: upstream.error.details } : {}),
            ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
          }),
          // A 503 may come from a database write that timed out and still lands: not a decision.
          status < 500 ? 'answered' : 'unknown',
        ),
      )
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
