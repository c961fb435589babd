// HTTP calls from one service to another: service token, request id, timeout, and the
// callee's errors carried through in the error model.
import { SERVICE_TOKEN_HEADER } from './service-auth.ts'
import { DependencyUnavailableError, UpstreamFailedError, withExtras } from './errors.ts'

export interface ServiceClientOptions {
  /** Name used in errors and logs, e.g. "usage-service". */
  name: string
  baseUrl: string
  serviceToken: string
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
}

export interface ServiceClient {
  readonly name: string
  /** Sends the call and returns the parsed 2xx body; a 4xx is rethrown as the callee's coded error. */
  call<T>(call: ServiceCall): Promise<T>
}

interface UpstreamErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> }
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 5_000
  return {
    name: options.name,
    async call<T>(call: ServiceCall): Promise<T> {
      const url = new URL(base + call.path)
      for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, value)
      const headers: Record<string, string> = { [SERVICE_TOKEN_HEADER]: options.serviceToken, ...call.headers }
      if (call.requestId) headers['x-request-id'] = call.requestId
      if (call.body !== undefined) headers['content-type'] = 'application/json'
      if (call.raw) headers['content-type'] = call.raw.contentType
      let res: Response
      try {
        res = await fetch(url, {
          method: call.method,
          headers,
          body: call.raw ? call.raw.body : call.body === undefined ? null : JSON.stringify(call.body),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (err) {
        throw new DependencyUnavailableError(options.name, { cause: err })
      }
      const text = await res.text()
      const parsed: unknown = text ? safeJson(text) : undefined
      if (res.ok) return parsed as T
      const upstream = (parsed ?? {}) as UpstreamErrorBody
      const retryAfter = res.headers.get('retry-after')
      if (res.status === 503 && !upstream.error?.code) {
        throw withExtras(new DependencyUnavailableError(options.name), { headers: { 'retry-after': retryAfter ?? '5' } })
      }
      if ((res.status >= 500 && res.status !== 503) || !upstream.error?.code) throw new UpstreamFailedError(options.name)
      // The callee's 4xx or 503 is the caller's answer too: same status, code, message, details, Retry-After.
      const err = Object.assign(new Error(upstream.error.message ?? upstream.error.code), {
        code: upstream.error.code,
        statusCode: res.status,
      })
      return Promise.reject(
        withExtras(err, {
          ...(upstream.error.details ? { details: upstream.error.details } : {}),
          ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
        }),
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
