import t from 'tap'
import { FEATURES, PLAN_IDS } from '@f1/contracts/common'
import { PLANS, cheapestPlanWith, featureLimit, getPlan, planIncludes } from '@f1/plans'

t.test('every plan sets a whole, non-negative limit for every feature', async (t) => {
  for (const id of PLAN_IDS) {
    for (const feature of FEATURES) {
      const limit = featureLimit(id, feature)
      t.ok(Number.isInteger(limit) && limit >= 0, `${id}.${feature} = ${limit}`)
    }
  }
})

t.test('higher plans never allow less than lower ones', async (t) => {
  for (const feature of FEATURES) {
    t.ok(PLANS.free.limits[feature] <= PLANS.pro.limits[feature], `pro >= free for ${feature}`)
    t.ok(PLANS.pro.limits[feature] <= PLANS.team.limits[feature], `team >= pro for ${feature}`)
  }
})

t.test('free has no Monte Carlo and pro is the cheapest plan that has it', async (t) => {
  t.equal(getPlan('free').limits.monte_carlo_run, 0)
  t.notOk(planIncludes('free', 'monte_carlo_run'))
  t.ok(planIncludes('pro', 'strategy_compare'))
  t.equal(cheapestPlanWith('monte_carlo_run'), 'pro')
  t.equal(cheapestPlanWith('api_request'), 'free')
})
