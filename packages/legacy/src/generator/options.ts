// What a generator run is asked for: how many users, the seed, the defect rates and how much data
// each user has; checked once, before any item is made.
import { DAY_MS } from './formats.ts'
import { DEFAULT_RATES, DEFECT_NAMES, type LegacyRates } from './rates.ts'

/** How much data each user has. Counts are uniform between 0 and twice the mean. */
export interface LegacyShape {
  /** Share of users on a paid plan (3/4 pro, 1/4 team). */
  paidShare: number
  usageDaysPerUser: number
  actionsPerUser: number
  strategiesPerUser: number
  /** The window of generated instants, ISO. */
  from: string
  to: string
}

export const DEFAULT_SHAPE: Readonly<LegacyShape> = {
  paidShare: 0.35,
  usageDaysPerUser: 2,
  actionsPerUser: 3,
  strategiesPerUser: 1.5,
  from: '2021-01-01T00:00:00.000Z',
  to: '2025-06-30T00:00:00.000Z',
}

export interface GenerateOptions {
  users: number
  /** The same seed (and options) always gives the same items. */
  seed: number | string
  rates?: Partial<LegacyRates>
  shape?: Partial<LegacyShape>
}

/** The options with every default filled in and the window as epoch ms. */
export interface ResolvedOptions {
  users: number
  seed: number | string
  rates: LegacyRates
  shape: LegacyShape
  fromMs: number
  toMs: number
}

function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${value}`)
}

/** Throws RangeError on the first invalid option. */
export function resolveOptions(options: GenerateOptions): ResolvedOptions {
  const { users, seed } = options
  if (!Number.isSafeInteger(users) || users < 0) throw new RangeError(`users must be a non-negative integer, got ${users}`)
  const rates: LegacyRates = { ...DEFAULT_RATES, ...options.rates }
  for (const name of DEFECT_NAMES) checkProbability(`rates.${name}`, rates[name])
  const shape: LegacyShape = { ...DEFAULT_SHAPE, ...options.shape }
  checkProbability('shape.paidShare', shape.paidShare)
  for (const name of ['usageDaysPerUser', 'actionsPerUser', 'strategiesPerUser'] as const) {
    if (!(shape[name] >= 0 && shape[name] <= 1000)) throw new RangeError(`shape.${name} must be in [0, 1000], got ${shape[name]}`)
  }
  const fromMs = Date.parse(shape.from)
  const toMs = Date.parse(shape.to)
  if (!(fromMs >= 0 && toMs > fromMs + DAY_MS && toMs <= Date.UTC(9000, 0, 1)))
    throw new RangeError(`shape.from and shape.to must be ISO instants, from before to, got ${shape.from} and ${shape.to}`)
  return { users, seed, rates, shape, fromMs, toMs }
}
