// Small builders of legacy items for the tests; an override of `undefined` removes the attribute.
import { GENERATOR_TRACKS } from '@f1/legacy/generator'
import type { TransformContext } from '@f1/legacy/items'

export const NOW = new Date('2025-07-01T12:00:00.000Z')
export const NOW_ISO = '2025-07-01T12:00:00.000Z'
export const USER_ID = 'u-1234'

type Item = Record<string, unknown>

function build(base: Item, overrides: Item): Item {
  const item: Item = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete item[key]
    else item[key] = value
  }
  return item
}

/** A paid legacy profile written by a recent app version. */
export function profile(overrides: Item = {}): Item {
  return build(
    {
      strategy_id: `USER#${USER_ID}`,
      type: 'user',
      user_id: USER_ID,
      email: 'ada@example.com',
      name: 'Ada',
      created_at: '2023-01-10T08:00:00.000Z',
      plan: 'pro',
      subscription_status: 'active',
      stripe_customer_id: 'cus_123',
      stripe_subscription_id: 'sub_123',
      subscription_start: '2025-06-15T00:00:00.000Z',
      subscription_end: '2025-07-15T00:00:00.000Z',
    },
    overrides,
  )
}

/** A free profile with no subscription part at all. */
export function freeProfile(overrides: Item = {}): Item {
  return profile({
    plan: 'free',
    subscription_status: undefined,
    stripe_customer_id: undefined,
    stripe_subscription_id: undefined,
    subscription_start: undefined,
    subscription_end: undefined,
    ...overrides,
  })
}

export function usage(overrides: Item = {}): Item {
  const feature = typeof overrides.feature === 'string' ? overrides.feature : 'simulation_run'
  return build(
    {
      strategy_id: `USAGE#${USER_ID}#${feature}#2024-03-01`,
      type: 'usage',
      user_id: USER_ID,
      feature: 'simulation_run',
      count: 3,
      date: '2024-03-01',
    },
    overrides,
  )
}

export function action(overrides: Item = {}): Item {
  return build(
    {
      strategy_id: `ACTION#${USER_ID}#1709290800000`,
      type: 'action',
      user_id: USER_ID,
      action: 'run_simulation',
      details: { track: 'Monza', laps: 53 },
      timestamp: '2024-03-01T11:00:00.000Z',
    },
    overrides,
  )
}

export const SIMULATION_ID = '3f2b8c1e-7d4a-4e2b-9c1a-5b6d7e8f9a0b'

export function strategy(overrides: Item = {}): Item {
  return build(
    {
      strategy_id: SIMULATION_ID,
      type: 'strategy',
      user_id: USER_ID,
      track: 'Monza',
      strategy: { start_compound: 'medium', pit_stops: [{ lap: 24, compound: 'hard' }] },
      result: { position: 3 },
      total_time: 5234.117,
      created_at: '2024-03-01T11:00:00.000Z',
    },
    overrides,
  )
}

const normalize = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '')
const KNOWN_TRACKS = new Map(GENERATOR_TRACKS.flatMap(({ trackId, names }) => names.map((name) => [normalize(name), trackId] as const)))

/** A stand-in for the race-sim catalog's resolver: knows the generator's track names. */
export function resolveTrack(raw: string): string | undefined {
  return KNOWN_TRACKS.get(normalize(raw))
}

export const ctx: TransformContext = { now: NOW, resolveTrack }
