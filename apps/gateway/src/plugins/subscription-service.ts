// The gateway's client of subscription-service, with one method per call it makes.
import fp from 'fastify-plugin'
import type { CheckoutBody, Subscription, WebhookResponse } from '@f1/contracts/subscriptions'
import { createServiceClient } from '@f1/service-kit/service-client'

export interface SubscriptionServiceClient {
  getSubscription(input: { userId: string; requestId: string }): Promise<Subscription>
  /** `operationId` makes Stripe create the session once however often the checkout is retried. */
  checkout(input: {
    userId: string
    email: string
    body: CheckoutBody
    operationId: string
    requestId: string
  }): Promise<{ checkout_url: string; session_id: string }>
  cancel(input: {
    userId: string
    requestId: string
  }): Promise<{ subscription_id: string; cancel_at_period_end: true; current_period_end: string | null }>
  /** Passes a Stripe webhook on byte for byte, with its signature. */
  forwardWebhook(input: { body: Buffer; signature: string | undefined; requestId: string }): Promise<WebhookResponse>
}

declare module 'fastify' {
  interface FastifyInstance {
    subscriptionService: SubscriptionServiceClient
  }
}

export default fp<{ baseUrl: string; serviceToken: string; timeoutMs: number }>(
  async (app, options) => {
    const client = createServiceClient({ name: 'subscription-service', ...options })
    const user = (userId: string, rest: string) => `/users/${encodeURIComponent(userId)}${rest}`
    app.decorate('subscriptionService', {
      getSubscription: ({ userId, requestId }) => client.call({ method: 'GET', path: user(userId, '/subscription'), requestId }),
      checkout: ({ userId, email, body, operationId, requestId }) =>
        client.call({
          method: 'POST',
          path: user(userId, '/checkout'),
          body: { ...body, email },
          headers: { 'idempotency-key': operationId },
          requestId,
        }),
      cancel: ({ userId, requestId }) => client.call({ method: 'POST', path: user(userId, '/cancel'), requestId }),
      forwardWebhook: ({ body, signature, requestId }) =>
        client.call({
          method: 'POST',
          path: '/stripe/webhook',
          raw: { body, contentType: 'application/json' },
          headers: signature ? { 'stripe-signature': signature } : {},
          requestId,
        }),
    } satisfies SubscriptionServiceClient)
  },
  { name: 'subscription-service-client', fastify: '5.x' },
)
