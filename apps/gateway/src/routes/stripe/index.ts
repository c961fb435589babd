// POST /api/stripe/webhook: Stripe's events, passed to subscription-service byte for byte with their
// signature (which that service checks). A processed event clears cached plans so it shows at once.
import Type from 'typebox'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { WebhookResponseSchema } from '@f1/contracts/subscriptions'
import type { ServiceApp } from '@f1/service-kit'

export default async function stripeRoutes(app: ServiceApp) {
  // Parsing would change the bytes the signature covers.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.post(
    '/api/stripe/webhook',
    {
      schema: {
        summary: 'Stripe webhook endpoint (signed by Stripe)',
        tags: ['stripe'],
        headers: Type.Object({ 'stripe-signature': Type.Optional(Type.String()) }),
        response: { 200: WebhookResponseSchema, 400: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => {
      const result = await app.subscriptionService.forwardWebhook({
        body: request.body as Buffer,
        signature: request.headers['stripe-signature'],
        requestId: request.id,
      })
      // Which user changed is inside the event; forgetting every cached plan is cheap and always right.
      if (result.outcome === 'applied') app.forgetPlans()
      return result
    },
  )
}
