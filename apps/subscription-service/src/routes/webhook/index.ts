// POST /stripe/webhook: signed Stripe events keep the table in step with Stripe. Authenticated by
// the signature (STRIPE_WEBHOOK_SECRET), so it needs no service token; a bad one writes nothing.
import Stripe from 'stripe'
import Type from 'typebox'
import { ErrorBodySchema } from '@f1/contracts/errors'
import { WebhookResponseSchema } from '@f1/contracts/subscriptions'
import type { ServiceApp } from '@f1/service-kit'
import type { FastifyRequest } from 'fastify'
import { ConcurrentChangeError, InvalidSignatureError } from '../../errors.ts'
import {
  checkoutOf,
  stateFromSubscription,
  subscriptionIdOfInvoice,
  userIdOf,
  type StripeSubscriptionState,
} from '../../lib/stripe-objects.ts'
import { callStripe } from '../../lib/stripe-errors.ts'
import type { ApplyOutcome, SubscriptionRow } from '../../repositories/subscriptions.ts'
import { subscriptionEvents } from '../../lib/transitions.ts'

type Outcome = ApplyOutcome | 'ignored'

/** Tries at applying one Stripe event while other events of the same subscription keep landing. */
const MAX_APPLY_ATTEMPTS = 5

export default async function webhookRoutes(app: ServiceApp) {
  // The signature covers the exact bytes Stripe sent: keep the body raw in this scope.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  async function apply(
    userId: string | undefined,
    state: Partial<StripeSubscriptionState> & { subscription_id: string },
    event: Stripe.Event,
    request: FastifyRequest,
  ): Promise<Outcome> {
    const log = request.log
    const owner = userId ?? (await app.subscriptions.findUserOfStripeSubscription(state.subscription_id))
    if (!owner) {
      log.warn({ event_id: event.id, subscription_id: state.subscription_id }, 'Stripe event for a subscription of no known user; ignored')
      return 'ignored'
    }
    if (state.stripe_customer_id) await app.subscriptions.saveCustomerId(owner, state.stripe_customer_id, new Date())
    const ref = { id: event.id, type: event.type, createdAt: new Date(event.created * 1000).toISOString() }
    for (let attempt = 1; attempt <= MAX_APPLY_ATTEMPTS; attempt++) {
      const before = await app.subscriptions.findSubscription(owner, state.subscription_id)
      // Without a plan the event can only update a row that already has one.
      const requireExisting = state.plan_id === undefined
      if (requireExisting && before?.plan_id === undefined) return 'stale'
      const defined = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined))
      const after = { ...before, ...defined, user_id: owner, updated_from_event_at: ref.createdAt } as SubscriptionRow
      // The domain events this change means are written with it, in one transaction: a redelivery
      // that finds the change applied (its marker) can never be the one that forgets them.
      const events = subscriptionEvents(before, after, event.type, new Date()).map((pending) =>
        app.outbox.put(app.outbox.event(pending.name, request, owner, { ...pending.fields, sequence: event.created * 1000 } as never)),
      )
      const outcome = await app.subscriptions.applyStripeEvent(owner, state, ref, {
        requireExisting,
        seenEventId: before?.last_event_id,
        events,
      })
      if (outcome !== 'changed') return outcome
      log.info({ event_id: event.id, attempt }, 'subscription changed while this event was applied; again')
    }
    throw new ConcurrentChangeError()
  }

  async function handle(event: Stripe.Event, request: FastifyRequest): Promise<Outcome> {
    const log = request.log
    const object: unknown = event.data.object
    switch (event.type) {
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const state = stateFromSubscription(object, app.stripe.planOfPrice)
        if (!state) return 'ignored'
        if (event.type === 'customer.subscription.deleted') state.status = 'canceled'
        return apply(userIdOf(object), state, event, request)
      }
      case 'checkout.session.completed': {
        const { subscriptionId, customerId, planId } = checkoutOf(object)
        if (!subscriptionId) return 'ignored'
        let state: Partial<StripeSubscriptionState> & { subscription_id: string } = {
          subscription_id: subscriptionId,
          stripe_subscription_id: subscriptionId,
          stripe_customer_id: customerId,
          plan_id: planId,
          status: 'active',
        }
        // With API access the subscription itself is the better source than the session.
        try {
          const stripe = app.stripe.client()
          const subscription = await callStripe((call) => stripe.subscriptions.retrieve(subscriptionId, {}, call))
          state = stateFromSubscription(subscription, app.stripe.planOfPrice) ?? state
        } catch (err) {
          if ((err as { code?: string }).code !== 'STRIPE_NOT_CONFIGURED') throw err
        }
        return apply(userIdOf(object), state, event, request)
      }
      case 'invoice.paid':
      case 'invoice.payment_failed': {
        const subscriptionId = subscriptionIdOfInvoice(object)
        if (!subscriptionId) return 'ignored'
        const status = event.type === 'invoice.paid' ? 'active' : 'past_due'
        return apply(userIdOf(object), { subscription_id: subscriptionId, status }, event, request)
      }
      default:
        log.info({ event_id: event.id, type: event.type }, 'Stripe event type not handled; ignored')
        return 'ignored'
    }
  }

  app.post(
    '/stripe/webhook',
    {
      schema: {
        summary: 'Receive a signed Stripe event',
        headers: Type.Object({ 'stripe-signature': Type.Optional(Type.String()) }),
        response: { 200: WebhookResponseSchema, 400: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => {
      const signature = request.headers['stripe-signature']
      if (!signature) throw new InvalidSignatureError('no stripe-signature header')
      if (!Buffer.isBuffer(request.body)) throw new InvalidSignatureError('the body must be the raw JSON Stripe sent')
      let event: Stripe.Event
      try {
        event = Stripe.webhooks.constructEvent(request.body, signature, app.stripe.webhookSecret)
      } catch (err) {
        throw new InvalidSignatureError((err as Error).message, { cause: err })
      }
      const outcome = await handle(event, request)
      request.log.info({ event_id: event.id, type: event.type, outcome }, 'Stripe event processed')
      return { received: true as const, outcome }
    },
  )
}
