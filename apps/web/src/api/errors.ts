// The gateway's errors as the console shows them: what happened in words a strategist reads, and
// what they can do about it (wait for the reset, upgrade, retry, sign in again).

/** An answer of the gateway that was not a success: `{error: {code, message, details}}`. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>
  /** Seconds the gateway asked to wait (Retry-After), when it said. */
  readonly retryAfterS: number | undefined

  constructor(status: number, body: unknown, retryAfter: string | null) {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error
    super(typeof error?.message === 'string' ? error.message : `The server answered ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`
    this.details = typeof error?.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {}
    const seconds = retryAfter === null ? NaN : Number(retryAfter)
    this.retryAfterS = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined
  }
}

export type ErrorAction = 'sign-in' | 'upgrade' | 'retry' | 'none'

export interface ErrorView {
  title: string
  message: string
  action: ErrorAction
}

/** "in 3 h 20 min", "in 45 s": how long until a wait ends. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `in ${Math.max(1, Math.round(seconds))} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `in ${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`
}

/** The reset moment of a 429, from Retry-After or the details' reset_date, as local time. */
function resetText(err: ApiError, now: Date): string {
  const reset = typeof err.details.reset_date === 'string' ? new Date(err.details.reset_date) : undefined
  const seconds = err.retryAfterS ?? (reset ? (reset.getTime() - now.getTime()) / 1000 : undefined)
  if (seconds === undefined || !Number.isFinite(seconds)) return 'when the plan resets'
  const at = new Date(now.getTime() + seconds * 1000)
  return `${waitText(seconds)} (${at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })})`
}

const FEATURE_NAMES: Record<string, string> = {
  api_request: 'requests',
  simulation_run: 'simulations',
  monte_carlo_run: 'Monte Carlo runs',
  strategy_compare: 'strategy optimizations',
}

export function featureName(feature: string): string {
  return FEATURE_NAMES[feature] ?? feature.replaceAll('_', ' ')
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** What to show for an error of any kind (a network failure included). */
export function describeError(err: unknown, now = new Date()): ErrorView {
  if (!(err instanceof ApiError)) {
    return { title: 'No connection', message: 'The server could not be reached. Check your connection and retry.', action: 'retry' }
  }
  if (err.status === 401) return { title: 'Signed out', message: 'Your session has ended. Sign in again.', action: 'sign-in' }
  if (err.status === 429 && err.code === 'QUOTA_EXCEEDED') {
    const feature = typeof err.details.feature === 'string' ? featureName(err.details.feature) : 'this feature'
    const limit = typeof err.details.limit_value === 'number' ? ` (${err.details.limit_value.toLocaleString()} a day)` : ''
    return {
      title: 'Daily limit reached',
      message: `You have used all your ${feature} for today${limit}. The limit resets ${resetText(err, now)}, or upgrade for more.`,
      action: 'upgrade',
    }
  }
  if (err.status === 429) {
    const wait = err.retryAfterS === undefined ? 'shortly' : waitText(err.retryAfterS)
    return { title: 'Too many attempts', message: `${err.message}. Try again ${wait}.`, action: 'none' }
  }
  if (err.status === 403 && typeof err.details.required_plan_id === 'string') {
    const feature = typeof err.details.feature === 'string' ? featureName(err.details.feature) : 'This feature'
    const plan = typeof err.details.plan_id === 'string' ? err.details.plan_id : 'current'
    return {
      title: 'Not in your plan',
      message: `${capitalize(feature)} are not in your ${plan} plan. The ${err.details.required_plan_id} plan has them.`,
      action: 'upgrade',
    }
  }
  if (err.status === 503 || err.status === 502 || err.status === 504) {
    const wait = err.retryAfterS === undefined ? 'in a few seconds' : waitText(err.retryAfterS)
    return { title: 'Busy right now', message: `The service is busy or restarting. Retry ${wait}.`, action: 'retry' }
  }
  if (err.status >= 500) {
    return {
      title: 'Something went wrong',
      message: 'The server failed on this request. Retry; if it keeps failing, tell us the time it happened.',
      action: 'retry',
    }
  }
  return { title: 'Not accepted', message: err.message, action: 'none' }
}
