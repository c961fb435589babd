import t from 'tap'
import Value from 'typebox/value'
import { FeatureNameSchema, IsoDateSchema, UserIdSchema } from '../src/common.ts'
import { RegisterBodySchema } from '../src/auth.ts'
import { ConsumeBodySchema } from '../src/usage.ts'

t.test('user ids that could not be split out of a key are accepted; separators are not', async (t) => {
  t.ok(Value.Check(UserIdSchema, 'a1b2-c3d4_e5.f6:g7'))
  for (const bad of ['', 'a#b', 'a b', 'a/b', 'x'.repeat(129)]) t.notOk(Value.Check(UserIdSchema, bad), JSON.stringify(bad))
})

t.test('days are YYYY-MM-DD only', async (t) => {
  t.ok(Value.Check(IsoDateSchema, '2026-11-26'))
  for (const bad of ['2026-13-01', '26-11-26', '2026-11-26T00:00:00Z', '2026-1-2']) t.notOk(Value.Check(IsoDateSchema, bad), bad)
})

t.test('only the four known features exist', async (t) => {
  for (const f of ['simulation_run', 'monte_carlo_run', 'strategy_compare', 'api_request']) t.ok(Value.Check(FeatureNameSchema, f))
  t.notOk(Value.Check(FeatureNameSchema, 'sim'), 'legacy aliases are mapped by packages/legacy, not accepted here')
})

t.test('a consume body takes feature, optional amount and limit, nothing else', async (t) => {
  t.ok(Value.Check(ConsumeBodySchema, { feature: 'api_request', limit: 5 }))
  t.ok(Value.Check(ConsumeBodySchema, { feature: 'api_request', amount: 3, limit: 5 }))
  t.notOk(Value.Check(ConsumeBodySchema, { feature: 'api_request', limit: 5, extra: true }))
  t.notOk(Value.Check(ConsumeBodySchema, { feature: 'api_request', limit: '5' }))
})

t.test('registration needs a real email and a password of at least 8 characters', async (t) => {
  t.ok(Value.Check(RegisterBodySchema, { email: 'max@example.com', password: 'long-enough', name: 'Max' }))
  t.notOk(Value.Check(RegisterBodySchema, { email: 'not-an-email', password: 'long-enough', name: 'Max' }))
  t.notOk(Value.Check(RegisterBodySchema, { email: 'max@example.com', password: 'short', name: 'Max' }))
  t.notOk(Value.Check(RegisterBodySchema, { email: 'max@example.com', password: 'long-enough', name: '' }))
})
