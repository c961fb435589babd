// The Stripe client (absent without STRIPE_SECRET_KEY) and the price <-> plan mapping.
import fp from 'fastify-plugin'
import Stripe from 'stripe'
import type { PlanId } from '@f1/contracts/common'
import { StripeNotConfiguredError } from '../errors.ts'

export interface StripeSettings {
  secretKey?: string | undefined
  webhookSecret: string
  prices: { pro: string; team: string }
  /** A local server standing in for api.stripe.com (tests). */
  apiUrl?: string | undefined
}

export interface StripeGateway {
  /** The client, or a 503 STRIPE_NOT_CONFIGURED when no key is set. */
  client(): Stripe
  webhookSecret: string
  priceOf(plan: PlanId): string | undefined
  planOfPrice(priceId: string): PlanId | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    stripe: StripeGateway
  }
}

export function createStripeClient(secretKey: string, apiUrl?: string): Stripe {
  const url = apiUrl ? new URL(apiUrl) : undefined
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    ...(url
      ? {
          host: url.hostname,
          port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          protocol: url.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  })
}

export default fp<StripeSettings>(
  async (app, settings) => {
    const client = settings.secretKey ? createStripeClient(settings.secretKey, settings.apiUrl) : undefined
    const byPrice = new Map<string, PlanId>([
      [settings.prices.pro, 'pro'],
      [settings.prices.team, 'team'],
    ])
    app.decorate('stripe', {
      client() {
        if (!client) throw new StripeNotConfiguredError()
        return client
      },
      webhookSecret: settings.webhookSecret,
      priceOf: (plan: PlanId) => (plan === 'pro' || plan === 'team' ? settings.prices[plan] : undefined),
      planOfPrice: (priceId: string) => byPrice.get(priceId),
    } satisfies StripeGateway)
    if (!client) app.log.warn('STRIPE_SECRET_KEY is unset: checkout and cancel answer 503; signed webhooks still work')
  },
  { name: 'stripe', fastify: '5.x' },
)
