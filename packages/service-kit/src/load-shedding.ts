// Load shedding with @fastify/under-pressure: while the event loop lags, requests are answered at
// once with 503 + Retry-After instead of queueing work the process cannot finish in time. The apps
// that shed register the plugin themselves (it is their dependency) with the options built here.
import createError from '@fastify/error'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { ConfigOf } from './config.ts'
import { toErrorResponse, withExtras } from './errors.ts'

/** Thresholds of an app that sheds load; spread into its config properties. */
export const LoadSheddingConfigProperties = {
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
    minimum: 0,
    default: 1_000,
    description: 'Requests are shed (503) while the mean event-loop delay of the last second is above this; 0 turns shedding off',
  }),
  LOAD_SHED_RETRY_AFTER_S: Type.Integer({ minimum: 1, maximum: 300, default: 5, description: 'Retry-After of a shed request' }),
}
export type LoadSheddingConfig = ConfigOf<typeof LoadSheddingConfigProperties>

/** The error body of a shed request (code OVERLOADED, 503). */
export const OverloadedError = createError('OVERLOADED', 'The service is overloaded; retry after the time in Retry-After', 503)

// A load balancer must keep seeing the process alive and ready while it sheds, or it would take
// the instance out exactly when it is recovering.
const NEVER_SHED = new Set(['/health', '/ready'])

/** The subset of @fastify/under-pressure's options set here (structurally compatible with them). */
export interface UnderPressureOptions {
  maxEventLoopDelay: number
  sampleInterval?: number
  pressureHandler: (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => Promise<void>
}

// Shedding must stay cheap: one log line per interval, not one per refused request.
const LOG_EVERY_MS = 10_000

/**
 * Options for `app.register(underPressure, loadShedding(config))`: shed requests get the platform's
 * error body with Retry-After, and /health and /ready are never shed. `sampleIntervalMs` (how often
 * the event-loop delay is sampled, 1 s by default) is for tests.
 */
export function loadShedding(config: LoadSheddingConfig, options: { sampleIntervalMs?: number } = {}): UnderPressureOptions {
  let shed = 0
  let loggedAt = 0
  return {
    maxEventLoopDelay: config.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
    ...(options.sampleIntervalMs ? { sampleInterval: options.sampleIntervalMs } : {}),
    // Resolving without answering lets the request through; an answered one goes no further.
    pressureHandler: async (request, reply, type, value) => {
      if (NEVER_SHED.has(request.routeOptions.url ?? '')) return
      shed += 1
      if (Date.now() - loggedAt >= LOG_EVERY_MS) {
        request.log.warn({ reason: type, value, shed }, 'overloaded: shedding requests with 503')
        loggedAt = Date.now()
        shed = 0
      }
      const response = toErrorResponse(
        withExtras(new OverloadedError(), {
          headers: { 'retry-after': String(config.LOAD_SHED_RETRY_AFTER_S) },
          details: { reason: type, ...(value === undefined ? {} : { value: Math.round(value) }) },
        }),
      )
      await reply.code(response.statusCode).headers(response.headers).send(response.body)
    },
  }
}
