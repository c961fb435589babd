// /api/users/subscription: the signed-in user's plan, checkout (back to the app's origins only) and cancellation.
import { ErrorBodySchema } from '@f1/contracts/errors'
import { CancelResponseSchema, CheckoutBodySchema, CheckoutResponseSchema, SubscriptionSchema } from '@f1/contracts/subscriptions'
import type { ServiceApp } from '@f1/service-kit'
import { IdempotencyHeadersSchema } from '../../plugins/idempotency.ts'
import { withExtras } from '@f1/service-kit/errors'
import { InvalidRedirectUrlError } from '../../errors.ts'
import { isOnOrigins } from '../../lib/origins.ts'
import { SIGNED_IN } from '../../lib/security.ts'

const errors = { 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema }

/** 400 INVALID_REDIRECT_URL naming the field unless the URL is on one of the app's origins. */
function assertOnAppOrigin(field: 'success_url' | 'cancel_url', value: string, appOrigins: readonly string[]): void {
  if (isOnOrigins(value, appOrigins)) return
  throw withExtras(new InvalidRedirectUrlError(field), { details: { field, allowed_origins: appOrigins } })
}

export default async function subscriptionRoutes(app: ServiceApp, options: { appOrigins: readonly string[] }) {
  app.usePlanSecurity()

  app.get(
    '/api/users/subscription',
    {
      schema: {
        summary: 'The current subscription and the plan it grants now',
        tags: ['subscriptions'],
        security: SIGNED_IN,
        response: { 200: SubscriptionSchema, ...errors },
      },
    },
    async (request) => request.subscription,
  )

  app.post(
    '/api/users/subscription/checkout',
    {
      config: { idempotency: {} },
      schema: {
        summary: 'Start a Stripe Checkout for pro or team; the plan changes when Stripe confirms',
        description: 'With an Idempotency-Key, a retry answers the same checkout session (Stripe is asked with the same key too).',
        tags: ['subscriptions'],
        security: SIGNED_IN,
        headers: IdempotencyHeadersSchema,
        body: CheckoutBodySchema,
        response: { 200: CheckoutResponseSchema, 400: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      // Stripe sends the browser to these after checkout: never to someone else's site.
      assertOnAppOrigin('success_url', request.body.success_url, options.appOrigins)
      assertOnAppOrigin('cancel_url', request.body.cancel_url, options.appOrigins)
      return app.subscriptionService.checkout({
        userId: request.user.sub,
        email: request.user.email,
        body: request.body,
        operationId: request.operationId,
        requestId: request.id,
      })
    },
  )

  app.post(
    '/api/users/subscription/cancel',
    {
      config: { idempotency: {} },
      schema: {
        summary: 'Cancel at the end of the current period',
        tags: ['subscriptions'],
        security: SIGNED_IN,
        headers: IdempotencyHeadersSchema,
        response: { 202: CancelResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const result = await app.subscriptionService.cancel({ userId: request.user.sub, requestId: request.id })
      app.forgetPlans(request.user.sub)
      return reply.code(202).send(result)
    },
  )
}
