// subscription-service's coded errors.
import createError from '@fastify/error'
import { dependencyMisconfigured, dependencyUnavailable } from '@f1/service-kit/errors'

export const StripeNotConfiguredError = createError(
  'STRIPE_NOT_CONFIGURED',
  'Payments are not configured on this server (STRIPE_SECRET_KEY is unset); locally, change plans with `pnpm demo:plan`',
  503,
)
export const UnknownPlanError = createError('UNKNOWN_PLAN', '%s', 400)
export const InvalidSignatureError = createError('INVALID_SIGNATURE', 'The Stripe signature is missing or does not match: %s', 400)
export const NoActiveSubscriptionError = createError('NO_ACTIVE_SUBSCRIPTION', 'There is no active subscription to cancel', 404)
export const NotCancellableError = createError('NOT_CANCELLABLE', '%s', 409)
export const StripeUnavailableError = dependencyUnavailable('Stripe did not answer; retry shortly')
/** Stripe refused a call for a reason on our side (the key, a price id): operators must act; users retry later. */
export const StripeMisconfiguredError = dependencyMisconfigured('Payments are unavailable right now; retry later')
/** Stripe's events of one subscription kept landing while this one was applied: Stripe redelivers it. */
export const ConcurrentChangeError = createError(
  'CONTENTION',
  'The subscription kept changing while this event was applied; retry shortly',
  503,
)
