import t from 'tap'
import { PLANS } from '@f1/plans'
import { build } from './helper.ts'

t.test('the plan catalog is public, cheapest first, with the limits plan security enforces', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/api/plans')
  t.equal(res.statusCode, 200)
  const { plans } = res.json<{ plans: Array<{ id: string; limits: Record<string, number> }> }>()
  t.same(
    plans.map((p) => p.id),
    ['free', 'pro', 'team'],
  )
  for (const plan of plans) t.same(plan.limits, PLANS[plan.id as keyof typeof PLANS].limits, `${plan.id}'s limits`)
})
