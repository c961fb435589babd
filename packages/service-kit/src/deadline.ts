// Request deadlines: every request gets one (its route's budget, shortened by the caller's
// `x-request-budget-ms`), the DynamoDB client and the service client read it from the request's
// async context, and `request.signal` aborts when it passes or the caller hangs up. So a callee,
// retries included, always gives up before its caller, and work nobody waits for stops.
import {
  fastifyRequestContext,
  asyncLocalStorage,
  requestContext,
  type RequestContext,
  type RequestContextData,
} from '@fastify/request-context'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import createError from '@fastify/error'

/** The caller's remaining time, in ms, that a callee may spend on the request. */
export const BUDGET_HEADER = 'x-request-budget-ms'

export const DeadlineExceededError = createError(
  'DEADLINE_EXCEEDED',
  'The request ran out of time before its work was done; nothing of it was kept',
  504,
)
export const ClientGoneError = createError('CLIENT_GONE', 'The caller hung up before the answer was ready', 499)

declare module '@fastify/request-context' {
  interface RequestContextData {
    /** Epoch ms after which nobody waits for this request's work. */
    deadline: number
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Epoch ms after which nobody waits for the answer. */
    deadline: number
    /** Aborted when the deadline passes or the caller hangs up; its reason says which. */
    readonly signal: AbortSignal
  }
  interface FastifyContextConfig {
    /** This route's longest budget in ms (default: the app's); a caller's budget header can only shorten it. */
    budgetMs?: number
  }
}

/** The deadline of the request whose work is running, or undefined outside a request. */
export function currentDeadline(): number | undefined {
  return requestContext.get('deadline')
}

/**
 * Runs `fn` with a deadline `budgetMs` from now, as a request would: for work that comes from
 * somewhere else (an event off a queue), so its calls give up before whoever waits for it.
 */
export function withDeadline<T>(budgetMs: number, fn: () => T): T {
  // The store is the plain data object `requestContext.get` reads; the library types it as the accessor.
  const store: RequestContextData = { deadline: Date.now() + budgetMs }
  return asyncLocalStorage.run(store as unknown as RequestContext, fn)
}

/** Runs `fn` outside the current request's deadline: for clean-up (refunds) that must outlive it. */
export function withoutDeadline<T>(fn: () => T): T {
  return asyncLocalStorage.exit(fn)
}

/** The budget a caller granted, or undefined when the header is absent or not a positive integer. */
export function parseBudget(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined
  const ms = Number(value)
  return ms > 0 ? ms : undefined
}

const kSignal = Symbol('request signal')
const kReply = Symbol('reply of the request')
type WithSignal = FastifyRequest & { [kSignal]?: AbortSignal; [kReply]?: FastifyReply }

function requestSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  // Not unref'd: the request is being served, so something should still be waiting for it.
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError()), Math.max(0, request.deadline - Date.now()))
  // 'close' comes after the answer is sent too; only a close before the end means the caller left.
  reply.raw.once('close', () => {
    clearTimeout(timer)
    if (!reply.raw.writableFinished) controller.abort(new ClientGoneError())
  })
  return controller.signal
}

/** Registers deadlines on an app; `defaultBudgetMs` is the budget of routes that do not set their own. */
export function registerDeadlines(app: FastifyInstance, defaultBudgetMs: number): void {
  app.register(fastifyRequestContext, {
    defaultStoreValues: (request) => {
      const routeBudget = request.routeOptions.config.budgetMs ?? defaultBudgetMs
      const granted = parseBudget(request.headers[BUDGET_HEADER])
      return { deadline: Date.now() + Math.min(routeBudget, granted ?? routeBudget) }
    },
  })
  app.decorateRequest('deadline', 0)
  // Made on first use only: most requests never need a signal, and it costs a timer.
  app.decorateRequest('signal', {
    getter(this: WithSignal) {
      if (!this[kSignal]) {
        const reply = this[kReply]
        if (!reply) throw new Error('request.signal is only available while the request is served')
        this[kSignal] = requestSignal(this, reply)
      }
      return this[kSignal]
    },
  })
  app.addHook('onRequest', async (request, reply) => {
    request.deadline = requestContext.get('deadline') ?? Date.now() + defaultBudgetMs
    ;(request as WithSignal)[kReply] = reply
  })
}
