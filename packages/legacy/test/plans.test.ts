import t from 'tap'
import { parseLegacyPlan } from '@f1/legacy/plans'

const cases: Array<[unknown, string | undefined]> = [
  ['pro', 'pro'],
  ['PREMIUM', 'pro'],
  [' Premium ', 'pro'],
  ['basic', 'free'],
  ['Free', 'free'],
  ['enterprise', 'team'],
  ['Team', 'team'],
  ['gold', undefined],
  ['', undefined],
  [42, undefined],
  [null, undefined],
  [undefined, undefined],
]

for (const [raw, expected] of cases) {
  t.test(`legacy plan ${JSON.stringify(raw)} maps to ${expected ?? 'no plan'}`, async (t) => {
    t.equal(parseLegacyPlan(raw), expected)
  })
}
