// Stripe failures that mean "try again later" become a 503; the rest are our bugs (500, logged).
import { StripeUnavailableError } from '../errors.ts'

export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    const e = err as { type?: string; statusCode?: number }
    if (e.type === 'StripeConnectionError' || e.type === 'StripeRateLimitError' || (e.statusCode ?? 0) >= 500) {
      throw new StripeUnavailableError({ cause: err })
    }
    throw err
  }
}
