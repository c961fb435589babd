// /users/:userId/subscription, /checkout, /cancel (service token required).
import Type from 'typebox'
import { UserIdParamsSchema } from '@f1/contracts/common'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { CancelResponseSchema, CheckoutResponseSchema, ServiceCheckoutBodySchema, SubscriptionSchema } from '@f1/contracts/subscriptions'
import type { ServiceApp } from '@f1/service-kit'
import { NoActiveSubscriptionError, NotCancellableError, UnknownPlanError } from '../../errors.ts'
import { currentSubscription, effectivePlan } from '../../lib/current.ts'
import { resolveSubscription } from '../../lib/resolve.ts'
import { callStripe } from '../../lib/stripe-errors.ts'

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema }
const CheckoutHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
})

export default async function subscriptionRoutes(app: ServiceApp, options: { now: () => Date }) {
  app.get(
    '/users/:userId/subscription',
    {
      schema: {
        summary: 'The current subscription and the plan it grants now (legacy fallback, lazily migrated)',
        params: UserIdParamsSchema,
        response: { 200: SubscriptionSchema, ...errors },
      },
    },
    async (request) => resolveSubscription(app, request.params.userId, options.now(), request.log),
  )

  app.post(
    '/users/:userId/checkout',
    {
      schema: {
        summary: 'Start a Stripe Checkout Session for a paid plan',
        description: 'With an idempotency-key (the caller operation id), Stripe creates the session once for all retries.',
        params: UserIdParamsSchema,
        headers: CheckoutHeadersSchema,
        body: ServiceCheckoutBodySchema,
        response: { 200: CheckoutResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { userId } = request.params
      const { plan_id: planId, success_url, cancel_url, email } = request.body
      const price = planId === 'pro' || planId === 'team' ? app.stripe.priceOf(planId) : undefined
      if (!price) throw new UnknownPlanError(`Plan "${planId}" cannot be bought; choose pro or team`)
      const stripe = app.stripe.client()
      let customerId = await app.subscriptions.findCustomerId(userId)
      if (!customerId) {
        // The idempotency key makes two concurrent first checkouts share one Stripe customer.
        const customer = await callStripe((call) =>
          stripe.customers.create(
            { metadata: { user_id: userId }, ...(email ? { email } : {}) },
            { ...call, idempotencyKey: `customer-${userId}` },
          ),
        )
        customerId = await app.subscriptions.saveCustomerId(userId, customer.id, options.now())
      }
      const operation = request.headers['idempotency-key']
      const session = await callStripe((call) =>
        stripe.checkout.sessions.create(
          {
            mode: 'subscription',
            customer: customerId,
            line_items: [{ price, quantity: 1 }],
            success_url,
            cancel_url,
            client_reference_id: userId,
            metadata: { user_id: userId, plan_id: planId },
            subscription_data: { metadata: { user_id: userId, plan_id: planId } },
          },
          // Retries of one checkout (the gateway's operation) get the one session Stripe made first.
          { ...call, ...(operation ? { idempotencyKey: `checkout-${userId}-${operation}` } : {}) },
        ),
      )
      if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`)
      request.log.info({ session_id: session.id, plan_id: planId }, 'checkout session created')
      return { checkout_url: session.url, session_id: session.id }
    },
  )

  app.post(
    '/users/:userId/cancel',
    {
      schema: {
        summary: 'Cancel the current subscription at the end of its period (the table follows from the webhook)',
        params: UserIdParamsSchema,
        response: { 202: CancelResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      const now = options.now()
      const current = currentSubscription(await app.subscriptions.findSubscriptions(request.params.userId), now)
      if (!current || effectivePlan(current, now) === 'free') throw new NoActiveSubscriptionError()
      if (!current.stripe_subscription_id)
        throw new NotCancellableError('This subscription predates Stripe billing; contact support to end it')
      const stripeId = current.stripe_subscription_id
      const stripe = app.stripe.client()
      await callStripe((call) => stripe.subscriptions.update(stripeId, { cancel_at_period_end: true }, call))
      request.log.info({ subscription_id: stripeId }, 'cancellation at period end requested')
      return reply
        .code(202)
        .send({ subscription_id: stripeId, cancel_at_period_end: true, current_period_end: current.current_period_end ?? null })
    },
  )
}
