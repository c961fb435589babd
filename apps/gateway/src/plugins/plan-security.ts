// Plan security for every authenticated route: token -> plan (subscription-service, cached a few
// seconds) -> one api_request consumed in usage-service.
import fp from 'fastify-plugin'
import type { PlanId } from '@f1/contracts/common'
import type { Subscription } from '@f1/contracts/subscriptions'
import type { UsageDay } from '@f1/contracts/usage'
import { featureLimit } from '@f1/plans'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's current subscription (set by plan security). */
    subscription: Subscription
    /** The plan in force for this request. */
    planId: PlanId
    /** Today's usage as counted by this request's api_request, on routes whose config sets `usageDay`. */
    usageToday: UsageDay | undefined
  }
  interface FastifyContextConfig {
    /** The route shows today's usage: the api_request consume answers with it, saving a second call. */
    usageDay?: boolean
  }
  interface FastifyInstance {
    /** Registers the hooks on the current scope: every route in it is authenticated and metered. */
    usePlanSecurity(): void
    /** Forgets cached plans (one user's, or everyone's), so a change shows on the next request. */
    forgetPlans(userId?: string): void
  }
}

export default fp<{ cacheTtlMs: number }>(
  async (app, options) => {
    // Bounded by the TTL: entries older than it are never served and are swept as they are met.
    const cache = new Map<string, { subscription: Subscription; expiresAt: number }>()
    const sweep = setInterval(
      () => {
        const now = Date.now()
        for (const [key, entry] of cache) if (entry.expiresAt <= now) cache.delete(key)
      },
      Math.max(1_000, options.cacheTtlMs),
    )
    sweep.unref()
    app.addHook('onClose', async () => clearInterval(sweep))

    app.decorate('forgetPlans', (userId?: string) => (userId ? cache.delete(userId) : cache.clear()) && undefined)
    app.decorateRequest('subscription', null as unknown as Subscription)
    app.decorateRequest('planId', null as unknown as PlanId)
    app.decorateRequest('usageToday', undefined)

    app.decorate('usePlanSecurity', function (this: typeof app) {
      this.addHook('onRequest', app.authenticate)
      this.addHook('preHandler', async (request) => {
        const userId = request.user.sub
        const cached = cache.get(userId)
        let subscription = cached && cached.expiresAt > Date.now() ? cached.subscription : undefined
        if (!subscription) {
          subscription = await app.subscriptionService.getSubscription({ userId, requestId: request.id })
          cache.set(userId, { subscription, expiresAt: Date.now() + options.cacheTtlMs })
        }
        request.subscription = subscription
        request.planId = subscription.effective_plan_id
        // Over the limit, usage-service's 429 (Retry-After, limit, usage) passes through as it is.
        const counted = await app.usageService.consume({
          userId,
          feature: 'api_request',
          limit: featureLimit(request.planId, 'api_request'),
          includeDay: request.routeOptions.config.usageDay === true,
          requestId: request.id,
        })
        request.usageToday = counted.day
      })
    })
  },
  { name: 'plan-security', dependencies: ['auth', 'subscription-service-client', 'usage-service-client'], fastify: '5.x' },
)
