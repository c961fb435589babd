// Test support shared by every app's tests.
import type { LightMyRequestResponse } from 'fastify'

/** The error body of an inject response, asserting it has the architecture's shape. */
export function errorOf(res: LightMyRequestResponse): { code: string; message: string; details?: Record<string, unknown> } {
  const body = res.json() as { error?: { code: string; message: string; details?: Record<string, unknown> } }
  if (!body.error || typeof body.error.code !== 'string') throw new Error(`not an error body: ${res.body}`)
  return body.error
}

export const TEST_SERVICE_TOKEN = 'test-service-token-0123456789'
