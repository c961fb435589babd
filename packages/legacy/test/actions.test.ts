import t from 'tap'
import { actionFromLegacyItem, legacyActionSortKey } from '@f1/legacy/actions'
import { NOW, NOW_ISO, USER_ID, action } from './fixtures.ts'

const map = (item: unknown) => actionFromLegacyItem(item, { now: NOW })

t.test('an action maps to a row whose sort key is its instant and a hash of its legacy id', async (t) => {
  const result = map(action())
  t.strictSame(result, {
    kind: 'mapped',
    table: 'actions',
    legacyId: `ACTION#${USER_ID}#1709290800000`,
    warnings: [],
    item: {
      user_id: USER_ID,
      timestamp: legacyActionSortKey('2024-03-01T11:00:00.000Z', `ACTION#${USER_ID}#1709290800000`),
      action_type: 'run_simulation',
      action_details: { track: 'Monza', laps: 53 },
      migrated_from: `ACTION#${USER_ID}#1709290800000`,
      migrated_at: NOW_ISO,
    },
  })
  t.match(result.kind === 'mapped' ? result.item.timestamp : '', /^2024-03-01T11:00:00\.000Z#legacy-[0-9a-f]{16}$/)
})

t.test('the sort key is the same on every run and differs between legacy items of the same instant', async (t) => {
  const a = legacyActionSortKey('2024-03-01T11:00:00.000Z', 'ACTION#u#1')
  t.equal(a, legacyActionSortKey('2024-03-01T11:00:00.000Z', 'ACTION#u#1'))
  t.not(a, legacyActionSortKey('2024-03-01T11:00:00.000Z', 'ACTION#u#2'))
})

const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]?]> = [
  ['details as a JSON object string become a map', { details: '{"a":{"b":[1,2]}}' }, { action_details: { a: { b: [1, 2] } } }],
  ['details as a JSON array string become a list', { details: ' [1, "x"] ' }, { action_details: [1, 'x'] }],
  ['details that are plain text stay the text, no warning', { details: 'clicked run' }, { action_details: 'clicked run' }],
  ['details that are a JSON scalar stay the string', { details: '12' }, { action_details: '12' }],
  ['details of another type are left out', { details: 12 }, {}, ['action_details']],
  ['absent details are left out', { details: undefined }, {}, ['action_details']],
  ['a legacy plan name on the action becomes plan_id', { plan: 'Premium' }, { plan_id: 'pro' }],
  ['plan_id wins over plan', { plan: 'basic', plan_id: 'team' }, { plan_id: 'team' }],
  ['an unknown plan on an action is left out, not rejected', { plan: 'gold' }, {}, ['plan_id']],
  ['the action name is trimmed', { action: ' login ' }, { action_type: 'login' }],
]

for (const [name, overrides, expected, absent] of cases) {
  t.test(name, async (t) => {
    const result = map(action(overrides))
    t.hasStrict(result, { kind: 'mapped', item: expected })
    const row = result.kind === 'mapped' ? (result.item as unknown as Record<string, unknown>) : {}
    for (const key of absent ?? []) t.notOk(key in row, `${key} is absent`)
    if (result.kind === 'mapped') t.same(result.warnings, [])
  })
}

const rejections: Array<[string, Record<string, unknown>, string]> = [
  ['no timestamp', { timestamp: undefined }, 'bad_timestamp'],
  ['an unreadable timestamp', { timestamp: 'yesterday' }, 'bad_timestamp'],
  ['no action name', { action: undefined }, 'missing_action'],
  ['an action name that is not a string', { action: { name: 'login' } }, 'missing_action'],
  ['no user_id', { user_id: undefined }, 'missing_user_id'],
]

for (const [name, overrides, reason] of rejections) {
  t.test(`an action with ${name} is rejected as ${reason}`, async (t) => {
    t.hasStrict(map(action(overrides)), { kind: 'rejected', reason })
  })
}
