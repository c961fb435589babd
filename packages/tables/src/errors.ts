// Turns SDK failures that mean "DynamoDB cannot answer now" into a 503 the error model knows.
import createError from '@fastify/error'
import { dependencyUnavailable } from '@f1/service-kit/errors'

export const DynamoDbUnavailableError = dependencyUnavailable('The database is unavailable; retry shortly')

export const DynamoDbContentionError = createError('CONTENTION', 'Too many concurrent writes to the same record; retry shortly', 503)

// Throttling and server faults are worth a retry by the caller; validation errors are bugs.
const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'LimitExceededException',
  // Our own abort at the request's deadline (client.ts): the caller's budget ran out while waiting.
  'AbortError',
])
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH'])

interface SdkLikeError {
  name?: string
  code?: string
  $fault?: string
  $metadata?: { httpStatusCode?: number }
}

/** True when an SDK error means DynamoDB is unreachable, overloaded or failing, not that the call was wrong. */
export function isDynamoUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const e = err as Error & SdkLikeError
  if (e.code && NETWORK_CODES.has(e.code)) return true
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true
  if (e.$fault === 'server') return true
  return e.$metadata !== undefined && e.$metadata.httpStatusCode === undefined
}

/** Rethrows an unavailability as DynamoDbUnavailableError (original as cause); anything else as it is. */
export function rethrowDynamoError(err: unknown): never {
  if (isDynamoUnavailable(err)) {
    // The cause (network code, SDK error) goes to the log with the request, not to the client.
    throw new DynamoDbUnavailableError({ cause: err })
  }
  throw err
}
