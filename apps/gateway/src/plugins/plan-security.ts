// Plan security for every authenticated route: token -> profile -> plan -> one api_request consumed.
import fp from 'fastify-plugin'
import type { PlanId } from '@f1/contracts/common'
import { featureLimit } from '@f1/plans'
import type { ProfileItem } from '../repositories/profiles.ts'
import { UnknownUserError } from '../errors.ts'
import { planOfProfile } from '../lib/plan.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's profile (set by plan security). */
    profile: ProfileItem
    planId: PlanId
  }
  interface FastifyInstance {
    /** Registers the hooks on the current scope: every route in it is authenticated and metered. */
    usePlanSecurity(): void
  }
}

export default fp(
  async (app) => {
    app.decorateRequest('profile', null as unknown as ProfileItem)
    app.decorateRequest('planId', null as unknown as PlanId)
    app.decorate('usePlanSecurity', function (this: typeof app) {
      this.addHook('onRequest', app.authenticate)
      this.addHook('preHandler', async (request) => {
        const profile = await app.profiles.findProfileById(request.user.sub)
        if (!profile) throw new UnknownUserError()
        request.profile = profile
        request.planId = planOfProfile(profile)
        // Over the limit, usage-service's 429 (Retry-After, limit, usage) passes through as it is.
        await app.usageService.consume({
          userId: profile.user_id,
          feature: 'api_request',
          limit: featureLimit(request.planId, 'api_request'),
          requestId: request.id,
        })
      })
    })
  },
  { name: 'plan-security', dependencies: ['auth', 'profiles', 'usage-service-client'], fastify: '5.x' },
)
