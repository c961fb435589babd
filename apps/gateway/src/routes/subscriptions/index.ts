// /api/users/subscription: the signed-in user's plan, checkout and cancellation.
import { ErrorBodySchema } from '@f1/contracts/errors'
import { CancelResponseSchema, CheckoutBodySchema, CheckoutResponseSchema, SubscriptionSchema } from '@f1/contracts/subscriptions'
import type { ServiceApp } from '@f1/service-kit'

const errors = { 401: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema }

export default async function subscriptionRoutes(app: ServiceApp) {
  app.usePlanSecurity()

  app.get(
    '/api/users/subscription',
    {
      schema: {
        summary: 'The current subscription and the plan it grants now',
        tags: ['subscriptions'],
        security: [{ bearerAuth: [] }],
        response: { 200: SubscriptionSchema, ...errors },
      },
    },
    async (request) => request.subscription,
  )

  app.post(
    '/api/users/subscription/checkout',
    {
      schema: {
        summary: 'Start a Stripe Checkout for pro or team; the plan changes when Stripe confirms',
        tags: ['subscriptions'],
        security: [{ bearerAuth: [] }],
        body: CheckoutBodySchema,
        response: { 200: CheckoutResponseSchema, 400: ErrorBodySchema, ...errors },
      },
    },
    async (request) =>
      app.subscriptionService.checkout({ userId: request.user.sub, email: request.user.email, body: request.body, requestId: request.id }),
  )

  app.post(
    '/api/users/subscription/cancel',
    {
      schema: {
        summary: 'Cancel at the end of the current period',
        tags: ['subscriptions'],
        security: [{ bearerAuth: [] }],
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
