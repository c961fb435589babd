import t from 'tap'
import { simulationFromLegacyItem } from '@f1/legacy/strategies'
import { NOW, NOW_ISO, SIMULATION_ID, USER_ID, resolveTrack, strategy } from './fixtures.ts'

const map = (item: unknown, resolve = resolveTrack) => simulationFromLegacyItem(item, { now: NOW, resolveTrack: resolve })

t.test('a strategy maps to a simulation row keyed by its legacy UUID', async (t) => {
  t.strictSame(map(strategy()), {
    kind: 'mapped',
    table: 'simulations',
    legacyId: SIMULATION_ID,
    warnings: [],
    item: {
      simulation_id: SIMULATION_ID,
      created_at: '2024-03-01T11:00:00.000Z',
      user_id: USER_ID,
      migrated_from: SIMULATION_ID,
      migrated_at: NOW_ISO,
      track_id: 'monza',
      strategy_data: { start_compound: 'medium', pit_stops: [{ lap: 24, compound: 'hard' }] },
      results: { position: 3 },
      total_time: 5234.117,
    },
  })
})

const totalTimes: Array<[unknown, number | undefined]> = [
  [5234.117, 5234.117],
  ['5234.117', 5234.117],
  ['1:27:14.117', 5234.117],
  ['87:14.117', 5234.117],
  ['1:27:14', 5234],
]

for (const [raw, seconds] of totalTimes) {
  t.test(`total_time ${JSON.stringify(raw)} is ${seconds} seconds`, async (t) => {
    t.hasStrict(map(strategy({ total_time: raw })), { kind: 'mapped', item: { total_time: seconds } })
  })
}

t.test('a strategy with no total_time maps without one', async (t) => {
  for (const total_time of [undefined, null, '']) {
    const result = map(strategy({ total_time }))
    t.ok(result.kind === 'mapped' && !('total_time' in result.item), JSON.stringify(total_time))
  }
})

for (const raw of ['fast', -5, '1:99:00', { seconds: 1 }]) {
  t.test(`total_time ${JSON.stringify(raw)} is rejected as bad_total_time`, async (t) => {
    t.hasStrict(map(strategy({ total_time: raw })), { kind: 'rejected', reason: 'bad_total_time', legacyId: SIMULATION_ID })
  })
}

t.test('the resolver gets the trimmed track name', async (t) => {
  const seen: string[] = []
  map(strategy({ track: '  Monza ' }), (raw) => {
    seen.push(raw)
    return 'monza'
  })
  t.strictSame(seen, ['Monza'])
})

t.test('a strategy with no track maps with a missing_track warning', async (t) => {
  const result = map(strategy({ track: undefined }))
  t.hasStrict(result, { kind: 'mapped', warnings: [{ code: 'missing_track' }] })
  t.ok(result.kind === 'mapped' && !('track_id' in result.item))
})

t.test('a broken strategy and a broken result give one warning each', async (t) => {
  const result = map(strategy({ strategy: '{"a":', result: '[{"position":1}' }))
  t.hasStrict(result, { kind: 'mapped', item: { strategy_data: '{"a":', results: '[{"position":1}' } })
  t.strictSame(result.kind === 'mapped' ? result.warnings.map((w) => w.code) : [], ['broken_json', 'broken_json'])
})

for (const [name, overrides, reason] of [
  ['no user_id', { user_id: undefined }, 'missing_user_id'],
  ['no created_at', { created_at: undefined }, 'bad_timestamp'],
  ['an unreadable created_at', { created_at: '2023-02-30T10:00:00Z' }, 'bad_timestamp'],
] as const) {
  t.test(`a strategy with ${name} is rejected as ${reason}`, async (t) => {
    t.hasStrict(map(strategy(overrides)), { kind: 'rejected', reason })
  })
}
