import t from 'tap'
import { classifyLegacyItem, transformLegacyItem } from '@f1/legacy/items'
import { legacyKindOf } from '@f1/legacy/kinds'
import { action, ctx, profile, strategy, usage } from './fixtures.ts'

const types: Array<[unknown, string | undefined]> = [
  ['user', 'profile'],
  ['profile', 'profile'],
  ['USER', 'profile'],
  ['Profile', 'profile'],
  ['usage', 'usage'],
  ['action', 'action'],
  ['action_log', 'action'],
  ['Action-Log', 'action'],
  ['strategy', 'strategy'],
  ['simulation', 'strategy'],
  ['SIMULATION', 'strategy'],
  ['email_lock', 'email_lock'],
  ['session', undefined],
  ['users', undefined],
  ['', undefined],
  [undefined, undefined],
  [3, undefined],
]

for (const [type, kind] of types) {
  t.test(`type ${JSON.stringify(type)} is ${kind ?? 'unknown'}`, async (t) => {
    t.equal(legacyKindOf(type), kind)
    t.equal(classifyLegacyItem({ strategy_id: 'x', type }), kind)
  })
}

const dispatch: Array<[string, unknown, Record<string, unknown>]> = [
  ['a profile goes to subscriptions', profile(), { kind: 'mapped', table: 'subscriptions', itemKind: 'profile' }],
  ['a usage item goes to usage', usage(), { kind: 'mapped', table: 'usage', itemKind: 'usage' }],
  ['an action goes to actions', action(), { kind: 'mapped', table: 'actions', itemKind: 'action' }],
  ['a strategy goes to simulations', strategy(), { kind: 'mapped', table: 'simulations', itemKind: 'strategy' }],
  [
    'an email lock is a known skip',
    { strategy_id: 'EMAIL#a@b.c', type: 'email_lock' },
    { kind: 'skipped', reason: 'email_lock', itemKind: 'email_lock' },
  ],
  ['null is no item', null, { kind: 'rejected', reason: 'not_an_item', legacyId: undefined, itemKind: 'unknown' }],
  ['an array is no item', [profile()], { kind: 'rejected', reason: 'not_an_item', itemKind: 'unknown' }],
  ['a string is no item', 'USER#1', { kind: 'rejected', reason: 'not_an_item' }],
  ['an item without strategy_id is rejected', { ...profile(), strategy_id: undefined }, { kind: 'rejected', reason: 'missing_legacy_id' }],
  ['an item with a numeric strategy_id is rejected', { ...profile(), strategy_id: 7 }, { kind: 'rejected', reason: 'missing_legacy_id' }],
  [
    'an unknown type is rejected with its legacy id',
    { strategy_id: 'CART#1', type: 'cart' },
    { kind: 'rejected', reason: 'unknown_type', legacyId: 'CART#1' },
  ],
]

for (const [name, item, expected] of dispatch) {
  t.test(name, async (t) => {
    t.hasStrict(transformLegacyItem(item, ctx), expected)
  })
}
