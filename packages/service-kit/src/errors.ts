// Coded errors shared by every app, and the one translation to the architecture's error body.
import createError from '@fastify/error'
import type { ErrorBody } from '@f1/contracts/errors'

// The codes several apps answer with, each defined here only: an app words its own message
// (printf-style, like createError's) but never restates a code or its status.
const VALIDATION_FAILED = 'VALIDATION_FAILED'
const DEPENDENCY_UNAVAILABLE = 'DEPENDENCY_UNAVAILABLE'

/** 400: input its schema lets through but a rule refuses (the code of a schema's own refusal too). */
export const validationFailed = (message: string) => createError(VALIDATION_FAILED, message, 400)
/** 503 (Retry-After): a service or store this request needs did not answer; a retry may succeed. */
export const dependencyUnavailable = (message: string) => createError(DEPENDENCY_UNAVAILABLE, message, 503)
/**
 * 502: a service we call refused our credentials or configuration; operators must act, not the user. The
 * 503's code on purpose: to a client both say "the platform cannot serve this now", not "your request is wrong".
 */
export const dependencyMisconfigured = (message: string) => createError(DEPENDENCY_UNAVAILABLE, message, 502)
export const unauthorized = (message: string) => createError('UNAUTHORIZED', message, 401)
export const notFound = (message: string) => createError('NOT_FOUND', message, 404)

export const UnauthorizedError = unauthorized('%s')
export const ForbiddenError = createError('FORBIDDEN', '%s', 403)
export const NotFoundError = notFound('%s')
export const InvalidCursorError = createError('INVALID_CURSOR', 'The cursor is not one this API returned', 400)
export const DependencyUnavailableError = dependencyUnavailable('%s is unavailable; retry shortly')
export const DependencyMisconfiguredError = dependencyMisconfigured('A service this request needs is unavailable')
export const UpstreamFailedError = createError('UPSTREAM_ERROR', '%s failed to answer', 502)

/** What an error may carry beyond code, message and status. */
export interface ErrorExtras {
  details?: Record<string, unknown>
  headers?: Record<string, string>
}

/** Attaches details (in the body) and headers (e.g. Retry-After) to an error before it is thrown. */
export function withExtras<E extends Error>(err: E, extras: ErrorExtras): E {
  return Object.assign(err, extras)
}

/** Seconds a client should wait on a 503 when the error does not say. */
export const DEFAULT_RETRY_AFTER_S = 5

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
}

// Fastify's own codes for body parsing, renamed for API users.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
}

interface ValidationIssue {
  instancePath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
}

interface AnyError {
  code?: string
  statusCode?: number
  message?: string
  validation?: ValidationIssue[]
  validationContext?: string
  details?: Record<string, unknown>
  headers?: Record<string, string>
}

export interface ErrorResponse {
  statusCode: number
  body: ErrorBody
  headers: Record<string, string>
}

function describeIssue(context: string, issue: ValidationIssue): { in: string; path: string; message: string } {
  let path = issue.instancePath ?? ''
  // additionalProperties errors point at the object; name the offending field instead.
  const extra = issue.params?.additionalProperties ?? issue.params?.additionalProperty
  if (issue.keyword === 'additionalProperties' && extra !== undefined) {
    const names = Array.isArray(extra) ? extra.join(', ') : String(extra)
    return { in: context, path: `${path}/${names}`, message: `unknown field ${names}` }
  }
  if (issue.keyword === 'required') {
    const missing = issue.params?.requiredProperties ?? issue.params?.missingProperty
    if (missing !== undefined) path = `${path}/${Array.isArray(missing) ? missing.join(', ') : String(missing)}`
    return { in: context, path, message: 'is required' }
  }
  return { in: context, path, message: issue.message ?? 'is invalid' }
}

/** The status, body and headers to send for any thrown error; never leaks a stack or a 5xx message. */
export function toErrorResponse(error: unknown): ErrorResponse {
  const err = (error ?? {}) as AnyError
  const headers: Record<string, string> = { ...err.headers }
  if (err.validation) {
    const issues = err.validation.map((issue) => describeIssue(err.validationContext ?? 'body', issue))
    const first = issues[0]
    return {
      statusCode: 400,
      headers,
      body: {
        error: {
          code: VALIDATION_FAILED,
          message: first ? `${first.in}${first.path.replaceAll('/', '.')} ${first.message}` : 'Invalid request',
          details: { issues },
        },
      },
    }
  }
  const statusCode = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
  if (statusCode >= 500 && statusCode !== 502 && statusCode !== 503 && statusCode !== 504) {
    return { statusCode: 500, headers: {}, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } } }
  }
  let code = err.code ?? STATUS_CODES[statusCode] ?? 'ERROR'
  if (code.startsWith('FST_')) code = FASTIFY_CODES[code] ?? STATUS_CODES[statusCode] ?? 'BAD_REQUEST'
  if (statusCode === 503 && !headers['retry-after']) headers['retry-after'] = String(DEFAULT_RETRY_AFTER_S)
  const body: ErrorBody = { error: { code, message: err.message || code } }
  if (err.details) body.error.details = err.details
  return { statusCode, headers, body }
}

// What Node's HTTP parser refuses before Fastify sees a request (a head too large, a broken request
// line, a client too slow to send): the same error body, written straight to the socket.
const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' },
}

/** Answers a request the HTTP parser refused, in the error model (Fastify's clientErrorHandler). */
export function answerClientError(err: { code?: string }, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const known = CLIENT_ERRORS[err.code ?? ''] ?? { status: 400, code: 'BAD_REQUEST', message: 'The request could not be read' }
  const body = JSON.stringify({ error: { code: known.code, message: known.message } })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
