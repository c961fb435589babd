// The key layouts are stored data: these pin them byte for byte, so a change to a builder that would
// strand existing items (the legacy table's among them) fails here first.
import t from 'tap'
import {
  BACKFILL_LOCK_KEY,
  CUSTOMER_KEY,
  USER_MARKER_STATS_KEY,
  checkpointKey,
  checkpointQuery,
  emailEntryKey,
  emailShardPartition,
  isUserMarker,
  runKey,
  userMarkerKey,
  actionKey,
  chargeKey,
  emailLockKey,
  featureDateKey,
  heldShardKey,
  idempotencyKey,
  isChargeKey,
  isStripeEventMarkerKey,
  isSubscriptionRowKey,
  legacyProfileKey,
  parseActionKey,
  readinessKey,
  stripeEventMarkerKey,
  utcDay,
} from '@f1/tables/keys'

t.test('usage keys are `{feature}_{UTC day}`, `charge#<id>` and `held#<n>`', async (t) => {
  t.equal(utcDay(new Date('2024-03-01T23:59:59.999Z')), '2024-03-01')
  t.equal(featureDateKey('api_request', '2024-03-01'), 'api_request_2024-03-01')
  t.equal(chargeKey('op-1'), 'charge#op-1')
  t.ok(isChargeKey('charge#op-1'))
  t.notOk(isChargeKey('api_request_2024-03-01'))
  t.equal(heldShardKey(7), 'held#7')
})

t.test('an action key is `<ISO>#<id>` and parses back, ids holding `#` included', async (t) => {
  t.equal(actionKey('2024-03-01T10:00:00.000Z', 'evt-1'), '2024-03-01T10:00:00.000Z#evt-1')
  t.same(parseActionKey('2024-03-01T10:00:00.000Z#legacy-#x'), { occurredAt: '2024-03-01T10:00:00.000Z', actionId: 'legacy-#x' })
})

t.test('a user partition of subscriptions tells rows from `#customer`, `#event#<id>` and outbox items', async (t) => {
  t.equal(CUSTOMER_KEY, '#customer')
  t.equal(stripeEventMarkerKey('evt_1'), '#event#evt_1')
  t.ok(isStripeEventMarkerKey('#event#evt_1'))
  t.notOk(isStripeEventMarkerKey('#customer'))
  t.same(['sub_1', 'legacy-u1', '#customer', '#event#evt_1', 'outbox#01J'].map(isSubscriptionRowKey), [true, true, false, false, false])
})

t.test('gateway and legacy keys keep their stored layout', async (t) => {
  t.equal(idempotencyKey('POST /api/simulations#k1'), 'idempotency#POST /api/simulations#k1')
  t.equal(legacyProfileKey('u-1'), 'USER#u-1')
  t.equal(emailLockKey('Ana@Example.com'), 'EMAIL#ana@example.com')
})

t.test("the migration table's items keep their keys", async (t) => {
  t.same(BACKFILL_LOCK_KEY, { pk: 'lock', sk: 'backfill' })
  t.same(runKey('2024-03-01T10:00:00.000Z-ab'), { pk: 'runs', sk: '2024-03-01T10:00:00.000Z-ab' })
  t.same(checkpointKey('r1', 7), { pk: 'run#r1', sk: 'segment#0007' })
  t.same(checkpointQuery('r1'), { pk: 'run#r1', skPrefix: 'segment#' })
  t.same(emailEntryKey('r1', 'c0ffee', 'USER#u1'), { pk: 'run#r1#email#c', sk: 'c0ffee#USER#u1' })
  t.equal(emailShardPartition('r1', 12), 'run#r1#email#c')
  t.same(userMarkerKey('u1'), { pk: 'user#u1', sk: 'migrated' })
  t.ok(isUserMarker(userMarkerKey('u1')))
  t.notOk(isUserMarker(USER_MARKER_STATS_KEY))
  t.same(USER_MARKER_STATS_KEY, { pk: 'stats', sk: 'user-markers' })
})

t.test('the readiness key names every key attribute of its table', async (t) => {
  t.same(readinessKey('legacy'), { strategy_id: '#ready' })
  t.same(readinessKey('usage'), { user_id: '#ready', feature_date_key: '#ready' })
  t.same(readinessKey('migration'), { pk: '#ready', sk: '#ready' })
})
