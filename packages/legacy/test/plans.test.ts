import t from 'tap'
import { parseLegacyPlan, parseLegacyStatus } from '@f1/legacy/plans'

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

t.test('a plan named like an Object member is no plan', async (t) => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) t.equal(parseLegacyPlan(name), undefined, name)
})

const statuses: Array<[unknown, string | undefined]> = [
  ['active', 'active'],
  ['ACTIVE', 'active'],
  ['cancelled', 'canceled'],
  ['Cancelled', 'canceled'],
  ['canceled', 'canceled'],
  ['past due', 'past_due'],
  ['Past-Due', 'past_due'],
  ['incomplete_expired', 'incomplete_expired'],
  ['trialing', 'trialing'],
  ['frozen', undefined],
  ['', undefined],
  [1, undefined],
  [null, undefined],
]

for (const [raw, expected] of statuses) {
  t.test(`legacy status ${JSON.stringify(raw)} maps to ${expected ?? 'no status'}`, async (t) => {
    t.equal(parseLegacyStatus(raw), expected)
  })
}
