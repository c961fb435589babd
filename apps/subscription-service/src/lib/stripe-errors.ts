// Calls to Stripe within the caller's time, and what their failures become: "try again later" a
// 503; a 4xx (a refused key, an unknown price) our configuration's fault, a 502 whose message says
// nothing of Stripe's (which can quote the key, masked or not); the detail goes to the log only.
import { currentDeadline } from '@f1/service-kit/deadline'
import { StripeMisconfiguredError, StripeUnavailableError } from '../errors.ts'

/** Per-call settings Stripe's client takes: the time of one attempt and how many retries. */
export interface StripeCallOptions {
  timeout: number
  maxNetworkRetries: number
}

// Without a deadline (a webhook's follow-up read), the client's defaults: 10 s an attempt, 2 retries.
const UNBOUNDED: StripeCallOptions = { timeout: 10_000, maxNetworkRetries: 2 }
// Stripe's client waits 0.5 s, then 1 s, ... between retries (with jitter): kept out of the attempts' time.
const BACKOFF_BUDGET_MS = [0, 1_000, 3_000]

/** Attempts and their timeout that fit in `remainingMs`, retries included, so Stripe gives up before our caller. */
export function stripeCallOptions(remainingMs: number | undefined): StripeCallOptions {
  if (remainingMs === undefined) return UNBOUNDED
  const retries = remainingMs >= 8_000 ? 2 : remainingMs >= 3_000 ? 1 : 0
  const timeout = Math.floor((remainingMs - BACKOFF_BUDGET_MS[retries]!) / (retries + 1))
  return { timeout: Math.max(100, Math.min(UNBOUNDED.timeout, timeout)), maxNetworkRetries: retries }
}

export async function callStripe<T>(call: (options: StripeCallOptions) => Promise<T>): Promise<T> {
  const deadline = currentDeadline()
  // Some time is kept back to answer our caller after Stripe's.
  const options = stripeCallOptions(deadline === undefined ? undefined : Math.max(0, deadline - Date.now() - 250))
  try {
    return await call(options)
  } catch (err) {
    const e = err as { type?: string; statusCode?: number }
    if (e.type === 'StripeConnectionError' || e.type === 'StripeRateLimitError' || (e.statusCode ?? 0) >= 500) {
      throw new StripeUnavailableError({ cause: err })
    }
    if ((e.statusCode ?? 0) >= 400) throw new StripeMisconfiguredError({ cause: err })
    throw err
  }
}
