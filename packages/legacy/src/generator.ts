// A deterministic generator of realistic legacy f1-strategy-metadata-dev items, with every defect
// docs/legacy-data.md lists at configurable rates, and a tally of what it produced and what a
// migration of it must report. Pure: its own seeded PRNG, no clock, no I/O; items are produced
// lazily, user by user.
import { FEATURES, type FeatureName, type PlanId } from '@f1/contracts/common'
import { emailLockKey, legacyProfileKey, utcDay } from '@f1/tables/keys'
import type { LegacyKind } from './kinds.ts'
import {
  REJECTION_REASONS,
  SKIP_REASONS,
  TARGET_TABLES,
  WARNING_CODES,
  type RejectionReason,
  type SkipReason,
  type TargetTable,
  type WarningCode,
} from './result.ts'

// ---------------------------------------------------------------------------------------------
// Options

/**
 * Probabilities in [0, 1]. The accepted defects (formats, aliases, JSON forms...) apply to every
 * field they can. The rejecting ones (the last seven) apply per item, at most one per item: those
 * that fit an item's kind are laid end to end on one draw, so keep their sum per kind at or below 1.
 */
export interface LegacyRates {
  /** A timestamp written in one of the other formats (TIMESTAMP_FORMATS, chosen uniformly) instead of ISO ms Z (usage dates: instead of `YYYY-MM-DD`). */
  altTimestampFormat: number
  /** A usage count or a total_time stored as a string. */
  stringNumber: number
  /** A total_time written as a race clock `H:MM:SS.mmm` (drawn before stringNumber). */
  raceClock: number
  /** `premium`, `basic`, `enterprise` instead of pro, free, team. */
  planAlias: number
  /** A plan, status or feature name in upper or title case. */
  nameCase: number
  /** A canceled subscription spelled `cancelled`. */
  cancelledSpelling: number
  /** `simulations` / `sim` for simulation_run, `mc` for monte_carlo_run. */
  featureAlias: number
  /** A usage day (user, feature, day) split over 2 or 3 items spelling the feature differently. */
  duplicateUsage: number
  /** details / strategy / result as a JSON string (else a map). */
  jsonString: number
  /** details / strategy / result as a cut-off JSON string that does not parse. */
  brokenJson: number
  /** A strategy's track is a name no catalog knows (else one of GENERATOR_TRACKS' names). */
  unknownTrack: number
  /** `USER` / `profile`, `action_log`, `simulation` instead of user, action, strategy. */
  typeAlias: number
  /** A user has a second profile (another user_id) with the same email in another letter case. */
  emailConflict: number
  /** A user registered through the new gateway: an `email_lock` item exists. */
  emailLock: number
  /** Rejecting: the item has no user_id. */
  missingUserId: number
  /** Rejecting: a user has one extra item of an unknown (or no) type. */
  unknownType: number
  /** Rejecting: a timestamp of the item is garbage. */
  badTimestamp: number
  /** Rejecting: a profile's plan is no known plan. */
  unknownPlan: number
  /** Rejecting: a paid profile's status is no known status. */
  unknownStatus: number
  /** Rejecting: a usage item's feature is no known feature. */
  unknownFeature: number
  /** Rejecting: a usage item's count is not a non-negative integer. */
  badCount: number
}

export type DefectName = keyof LegacyRates

export const DEFAULT_RATES: Readonly<LegacyRates> = {
  altTimestampFormat: 0.5,
  stringNumber: 0.3,
  raceClock: 0.2,
  planAlias: 0.3,
  nameCase: 0.2,
  cancelledSpelling: 0.5,
  featureAlias: 0.3,
  duplicateUsage: 0.15,
  jsonString: 0.4,
  brokenJson: 0.05,
  unknownTrack: 0.05,
  typeAlias: 0.3,
  emailConflict: 0.03,
  emailLock: 0.1,
  missingUserId: 0.01,
  unknownType: 0.02,
  badTimestamp: 0.01,
  unknownPlan: 0.02,
  unknownStatus: 0.02,
  unknownFeature: 0.01,
  badCount: 0.01,
}

export const DEFECT_NAMES = Object.keys(DEFAULT_RATES) as DefectName[]

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

/** Track names the generator writes, with the catalog id each should resolve to (packages/race-sim's ids). */
export const GENERATOR_TRACKS: ReadonlyArray<{ trackId: string; names: readonly string[] }> = [
  { trackId: 'monza', names: ['Monza', 'Autodromo Nazionale Monza', 'monza', 'MONZA', 'Italian Grand Prix'] },
  { trackId: 'shanghai', names: ['Shanghai International Circuit', 'China', 'Shanghai', 'shanghai'] },
  { trackId: 'sakhir', names: ['Bahrain', 'Bahrain International Circuit', 'Sakhir', 'bahrain'] },
  { trackId: 'silverstone', names: ['Silverstone', 'Silverstone Circuit', 'British Grand Prix'] },
  { trackId: 'spa', names: ['Spa-Francorchamps', 'Circuit de Spa-Francorchamps', 'spa'] },
]

/** Track names no catalog knows (the unknownTrack defect). */
export const GENERATOR_UNKNOWN_TRACKS: readonly string[] = [
  'Springfield Speedway',
  'Test Track 7',
  'My Custom Circuit',
  'Atlantis Street Circuit',
]

export const TIMESTAMP_FORMATS = [
  'iso_ms_z',
  'iso_z',
  'iso_ms',
  'iso',
  'space',
  'epoch_s',
  'epoch_s_string',
  'epoch_ms',
  'epoch_ms_string',
  'day',
] as const
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number]

// ---------------------------------------------------------------------------------------------
// Tally

export type GeneratedKind = LegacyKind | 'unknown'
const GENERATED_KINDS: readonly GeneratedKind[] = ['profile', 'usage', 'action', 'strategy', 'email_lock', 'unknown']

/** What a correct migration of the generated items reports. */
export interface ExpectedOutcome {
  /** Items that map, per table (usage: before merging). */
  mapped: Record<TargetTable, number>
  /** Rows in each table after merging usage items of one user, feature and UTC day. */
  rows: Record<TargetTable, number>
  skipped: Record<SkipReason, number>
  rejected: Record<RejectionReason, number>
  /** Warnings on mapped items (unknown_track is the count of unresolved track names). */
  warnings: Record<WarningCode, number>
  /** The sum of usage_count over all usage rows. */
  usageCount: number
  /** Lower-cased emails held by more than one profile. */
  emailConflicts: number
}

export interface LegacyTally {
  /** Users whose items have all been yielded; every other count covers exactly those users. */
  users: number
  items: number
  byKind: Record<GeneratedKind, number>
  /** How often each defect was applied (per field for formats, names and JSON forms; per usage day for duplicateUsage). */
  defects: Record<DefectName, number>
  timestampFormats: Record<TimestampFormat, number>
  expected: ExpectedOutcome
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

/** A tally with every count at zero. */
export function emptyTally(): LegacyTally {
  return {
    users: 0,
    items: 0,
    byKind: zeros(GENERATED_KINDS),
    defects: zeros(DEFECT_NAMES),
    timestampFormats: zeros(TIMESTAMP_FORMATS),
    expected: {
      mapped: zeros(TARGET_TABLES),
      rows: zeros(TARGET_TABLES),
      skipped: zeros(SKIP_REASONS),
      rejected: zeros(REJECTION_REASONS),
      warnings: zeros(WARNING_CODES),
      usageCount: 0,
      emailConflicts: 0,
    },
  }
}

function addCounts<K extends string>(into: Record<K, number>, from: Record<K, number>): void {
  for (const key of Object.keys(from) as K[]) into[key] += from[key]
}

/** Adds one tally into another (e.g. tallies of several generator runs). */
export function addTally(into: LegacyTally, from: LegacyTally): void {
  into.users += from.users
  into.items += from.items
  addCounts(into.byKind, from.byKind)
  addCounts(into.defects, from.defects)
  addCounts(into.timestampFormats, from.timestampFormats)
  addCounts(into.expected.mapped, from.expected.mapped)
  addCounts(into.expected.rows, from.expected.rows)
  addCounts(into.expected.skipped, from.expected.skipped)
  addCounts(into.expected.rejected, from.expected.rejected)
  addCounts(into.expected.warnings, from.expected.warnings)
  into.expected.usageCount += from.expected.usageCount
  into.expected.emailConflicts += from.expected.emailConflicts
}

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32 (128-bit state), its state set from (seed, user index) so every user's data depends
// on nothing else, and distinct users never share a stream.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(list: readonly T[]): T
}

/** A seeded sfc32 generator over the given 32-bit words. */
export function createRng(...words: number[]): Rng {
  let a = (words[0] ?? 0) | 0
  let b = (words[1] ?? 0) | 0
  let c = (words[2] ?? 0) | 0
  let d = 1
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
  }
}

/** A seed as 32 bits: integers as they are, anything else by FNV-1a of its text. */
export function seedWord(seed: number | string): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return seed >>> 0
  let hash = 0x811c9dc5
  for (const char of String(seed)) {
    hash ^= char.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

function hex(rng: Rng, digits: number): string {
  let text = ''
  while (text.length < digits)
    text += Math.floor(rng.next() * 4294967296)
      .toString(16)
      .padStart(8, '0')
  return text.slice(0, digits)
}

const MASK_48 = (1n << 48n) - 1n
const ODD_48 = 0x9e3779b97f4bn // odd, so multiplying by it permutes the 48-bit numbers

/** A version-4 UUID whose last 12 hex digits are a permutation of `tag`: unique by construction, random-looking. */
function uuid(rng: Rng, tag: number): string {
  const r = hex(rng, 18)
  const variant = rng.pick(['8', '9', 'a', 'b'])
  const node = (BigInt(tag) * ODD_48) & MASK_48
  return `${r.slice(0, 8)}-${r.slice(8, 12)}-4${r.slice(12, 15)}-${variant}${r.slice(15, 18)}-${node.toString(16).padStart(12, '0')}`
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const FIRST = [
  'Lewis',
  'Max',
  'Charles',
  'Lando',
  'Oscar',
  'Fernando',
  'George',
  'Carlos',
  'Sergio',
  'Valtteri',
  'Kimi',
  'Nico',
  'Daniel',
  'Pierre',
  'Esteban',
  'Yuki',
]
const LAST = [
  'Hamilton',
  'Verstappen',
  'Leclerc',
  'Norris',
  'Piastri',
  'Alonso',
  'Russell',
  'Sainz',
  'Perez',
  'Bottas',
  'Raikkonen',
  'Hulkenberg',
  'Ricciardo',
  'Gasly',
  'Ocon',
  'Tsunoda',
]
const DOMAINS = ['example.com', 'mail.test', 'pitwall.example', 'racing.test']
const ACTIONS = [
  'login',
  'logout',
  'run_simulation',
  'run_monte_carlo',
  'compare_strategies',
  'view_results',
  'export_results',
  'change_plan',
]
const COMPOUNDS = ['soft', 'medium', 'hard', 'intermediate', 'wet']
const FEATURE_ALIASES: Readonly<Record<FeatureName, readonly string[]>> = {
  simulation_run: ['simulations', 'sim'],
  monte_carlo_run: ['mc'],
  strategy_compare: [],
  api_request: [],
}
const UNKNOWN_FEATURES = ['pdf_export', 'telemetry_download', 'lap_chart', 'ghost_car']
const UNKNOWN_PLANS = ['gold', 'platinum', 'VIP', 'trial-2019']
const UNKNOWN_STATUSES = ['frozen', 'on_hold', 'pending_review']
const UNKNOWN_TYPES: ReadonlyArray<string | undefined> = ['session', 'cart', 'Settings', 'feedback', undefined]
const BAD_TIMESTAMPS = ['not a date', '2023-13-45 25:61:00', '31/12/2023', 'N/A', 'NaN', '17OO000000', 'yesterday', '2023-02-30T10:00:00Z']
const BAD_COUNTS: readonly unknown[] = ['lots', -3, '2.5', 'twelve', '12abc', 4.5, null]

const DAY_MS = 86_400_000
const ALT_FORMATS = TIMESTAMP_FORMATS.filter((format) => format !== 'iso_ms_z' && format !== 'day')
const ALT_DAY_FORMATS = TIMESTAMP_FORMATS.filter((format) => format !== 'day')

const REJECTING: Partial<Record<DefectName, RejectionReason>> = {
  missingUserId: 'missing_user_id',
  badTimestamp: 'bad_timestamp',
  unknownPlan: 'unknown_plan',
  unknownStatus: 'unknown_status',
  unknownFeature: 'unknown_feature',
  badCount: 'bad_count',
}
const PROFILE_DEFECTS = ['missingUserId', 'badTimestamp', 'unknownPlan', 'unknownStatus'] as const
const USAGE_DEFECTS = ['missingUserId', 'badTimestamp', 'unknownFeature', 'badCount'] as const
const EVENT_DEFECTS = ['missingUserId', 'badTimestamp'] as const

/** A legacy item as DynamoDB holds it: its key and whatever attributes the old app wrote. */
export type LegacyItem = { strategy_id: string } & Record<string, unknown>

function formatTimestamp(ms: number, format: TimestampFormat): string | number {
  const iso = new Date(ms).toISOString()
  switch (format) {
    case 'iso_ms_z':
      return iso
    case 'iso_z':
      return `${iso.slice(0, 19)}Z`
    case 'iso_ms':
      return iso.slice(0, 23)
    case 'iso':
      return iso.slice(0, 19)
    case 'space':
      return iso.slice(0, 19).replace('T', ' ')
    case 'epoch_s':
      return Math.floor(ms / 1000)
    case 'epoch_s_string':
      return String(Math.floor(ms / 1000))
    case 'epoch_ms':
      return ms
    case 'epoch_ms_string':
      return String(ms)
    case 'day':
      return iso.slice(0, 10)
  }
}

const upper = (name: string) => name.toUpperCase()
const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1)

function raceClock(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`
}

// ---------------------------------------------------------------------------------------------
// One user's items

interface UserContext {
  index: number
  rng: Rng
  rates: LegacyRates
  shape: LegacyShape
  fromMs: number
  toMs: number
  tally: LegacyTally
  items: LegacyItem[]
}

function emit(ctx: UserContext, kind: GeneratedKind, item: LegacyItem): void {
  ctx.items.push(item)
  ctx.tally.items += 1
  ctx.tally.byKind[kind] += 1
}

function expectMapped(ctx: UserContext, table: TargetTable, newRow = true): void {
  ctx.tally.expected.mapped[table] += 1
  if (newRow) ctx.tally.expected.rows[table] += 1
}

function expectRejected(ctx: UserContext, defect: DefectName | 'unknownType'): void {
  const reason = defect === 'unknownType' ? 'unknown_type' : REJECTING[defect]
  if (reason) ctx.tally.expected.rejected[reason] += 1
}

function defect(ctx: UserContext, name: DefectName): void {
  ctx.tally.defects[name] += 1
}

/** At most one rejecting defect per item: the applicable rates laid end to end on one draw. */
function rollDefect<D extends DefectName>(ctx: UserContext, candidates: readonly D[]): D | undefined {
  const draw = ctx.rng.next()
  let edge = 0
  for (const name of candidates) {
    edge += ctx.rates[name]
    if (draw < edge) return name
  }
  return undefined
}

function timestamp(ctx: UserContext, ms: number, canonical: 'iso_ms_z' | 'day' = 'iso_ms_z'): string | number {
  let format: TimestampFormat = canonical
  if (ctx.rng.chance(ctx.rates.altTimestampFormat)) {
    format = ctx.rng.pick(canonical === 'day' ? ALT_DAY_FORMATS : ALT_FORMATS)
    defect(ctx, 'altTimestampFormat')
  }
  ctx.tally.timestampFormats[format] += 1
  return formatTimestamp(ms, format)
}

/** The item type: the canonical one, or one of its old spellings at the typeAlias rate. */
function typeName(ctx: UserContext, canonical: string, aliases: readonly string[]): string {
  if (!ctx.rng.chance(ctx.rates.typeAlias)) return canonical
  defect(ctx, 'typeAlias')
  return ctx.rng.pick(aliases)
}

function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    const swap = out[i] as T
    out[i] = out[j] as T
    out[j] = swap
  }
  return out
}

/** A name in upper or title case at the nameCase rate. */
function nameCase(ctx: UserContext, name: string): string {
  if (!ctx.rng.chance(ctx.rates.nameCase)) return name
  defect(ctx, 'nameCase')
  return ctx.rng.chance(0.5) ? upper(name) : title(name)
}

function planName(ctx: UserContext, plan: PlanId): string {
  const alias = { free: 'basic', pro: 'premium', team: 'enterprise' }[plan]
  let name: string = plan
  if (ctx.rng.chance(ctx.rates.planAlias)) {
    name = alias
    defect(ctx, 'planAlias')
  }
  return nameCase(ctx, name)
}

/** A details / strategy / result value: a map, its JSON, or its JSON cut short. */
function freeForm(ctx: UserContext, value: Record<string, unknown>, willMap: boolean): unknown {
  const draw = ctx.rng.next()
  if (draw < ctx.rates.brokenJson) {
    defect(ctx, 'brokenJson')
    if (willMap) ctx.tally.expected.warnings.broken_json += 1
    // No proper prefix of a JSON object's text is JSON; values here serialize to well over 3 characters.
    const json = JSON.stringify(value)
    return json.slice(0, json.length - ctx.rng.int(1, 3))
  }
  if (draw < ctx.rates.brokenJson + ctx.rates.jsonString) {
    defect(ctx, 'jsonString')
    return JSON.stringify(value)
  }
  return value
}

interface Person {
  userId: string
  name: string
  email: string
  lowerEmail: string
  createdMs: number
}

interface ProfileOutcome {
  hasUserId: boolean
  /** The plan as the profile writes it, for action items to echo. */
  planRaw: string | undefined
}

function generateProfile(ctx: UserContext, person: Person): ProfileOutcome {
  const { rng } = ctx
  const fault = rollDefect(ctx, PROFILE_DEFECTS)
  const badField = fault === 'badTimestamp' ? rng.pick(['created_at', 'subscription_start', 'subscription_end']) : undefined
  const stamp = (field: string, ms: number) => (field === badField ? rng.pick(BAD_TIMESTAMPS) : timestamp(ctx, ms))
  const paid = fault === 'badTimestamp' || fault === 'unknownStatus' || rng.chance(ctx.shape.paidShare)
  const plan: PlanId = paid ? (rng.chance(0.75) ? 'pro' : 'team') : 'free'
  const item: LegacyItem = {
    strategy_id: legacyProfileKey(person.userId),
    type: typeName(ctx, 'user', ['profile', 'USER']),
    user_id: person.userId,
    email: person.email,
    name: person.name,
    created_at: stamp('created_at', person.createdMs),
  }
  let planRaw: string | undefined
  if (fault === 'unknownPlan') planRaw = rng.pick(UNKNOWN_PLANS)
  else if (paid || rng.chance(2 / 3)) planRaw = planName(ctx, plan)
  if (planRaw !== undefined) item.plan = planRaw

  let hasStripeIds = false
  if (paid) {
    const suffix = `${hex(rng, 10)}${ctx.index.toString(36)}`
    const stripe = rng.next()
    if (stripe < 0.9) item.stripe_customer_id = `cus_${suffix}`
    if (stripe < 0.8) item.stripe_subscription_id = `sub_${suffix}`
    hasStripeIds = stripe < 0.9
    const startMs = person.createdMs + rng.int(0, 200) * DAY_MS + rng.int(0, DAY_MS - 1)
    item.subscription_start = stamp('subscription_start', startMs)
    item.subscription_end = stamp('subscription_end', startMs + (rng.chance(0.7) ? 30 : 365) * DAY_MS)
    const status = rng.next()
    if (fault === 'unknownStatus') item.subscription_status = rng.pick(UNKNOWN_STATUSES)
    else if (status < 0.7) item.subscription_status = nameCase(ctx, 'active')
    else if (status < 0.82) item.subscription_status = nameCase(ctx, cancelled(ctx))
    else if (status < 0.87) item.subscription_status = nameCase(ctx, 'past_due')
    else if (status < 0.92) item.subscription_status = nameCase(ctx, 'trialing')
    // else: no status, as the oldest versions wrote paid profiles
  } else if (rng.chance(0.1)) {
    // Started a checkout once and never paid, or canceled long ago: a Stripe customer on the free plan.
    item.stripe_customer_id = `cus_${hex(rng, 10)}${ctx.index.toString(36)}`
    hasStripeIds = true
    if (rng.chance(0.5)) item.subscription_status = nameCase(ctx, cancelled(ctx))
  }

  if (fault === 'missingUserId') delete item.user_id
  if (fault) {
    defect(ctx, fault)
    expectRejected(ctx, fault)
  } else if (plan === 'free' && !hasStripeIds) ctx.tally.expected.skipped.no_subscription += 1
  else expectMapped(ctx, 'subscriptions')
  emit(ctx, 'profile', item)
  return { hasUserId: fault !== 'missingUserId', planRaw: fault === 'unknownPlan' ? undefined : planRaw }
}

function cancelled(ctx: UserContext): string {
  if (!ctx.rng.chance(ctx.rates.cancelledSpelling)) return 'canceled'
  defect(ctx, 'cancelledSpelling')
  return 'cancelled'
}

/** A second profile of the same person: another user_id, the email in another letter case. */
function generateEmailConflict(ctx: UserContext, person: Person, mainHasUserId: boolean): void {
  const { rng } = ctx
  const userId = uuid(rng, ctx.index * 4 + 1)
  const email =
    person.email === person.lowerEmail
      ? rng.pick([upper(person.email), titleEmail(person.email)])
      : rng.pick([upper(person.email), person.lowerEmail])
  const createdMs = Math.max(0, person.createdMs + (rng.chance(0.5) ? 1 : -1) * rng.int(1, 400) * DAY_MS)
  const item: LegacyItem = {
    strategy_id: legacyProfileKey(userId),
    type: 'user',
    user_id: userId,
    email,
    name: person.name,
    created_at: timestamp(ctx, createdMs),
  }
  if (rng.chance(0.25)) {
    item.plan = planName(ctx, 'pro')
    item.subscription_status = 'active'
    item.stripe_customer_id = `cus_${hex(rng, 10)}${ctx.index.toString(36)}x`
    item.stripe_subscription_id = `sub_${hex(rng, 10)}${ctx.index.toString(36)}x`
    item.subscription_start = timestamp(ctx, createdMs)
    item.subscription_end = timestamp(ctx, createdMs + 30 * DAY_MS)
    expectMapped(ctx, 'subscriptions')
  } else ctx.tally.expected.skipped.no_subscription += 1
  defect(ctx, 'emailConflict')
  if (mainHasUserId) ctx.tally.expected.emailConflicts += 1
  emit(ctx, 'profile', item)
}

function titleEmail(email: string): string {
  return email.replace(/(^|[.@])([a-z])/g, (_, sep: string, letter: string) => sep + letter.toUpperCase())
}

/** Distinct spellings of a feature for one usage day: each drawn, a repeat replaced by the first unused. */
function featureSpellings(ctx: UserContext, feature: FeatureName, count: number): string[] {
  const { rng } = ctx
  const aliases = FEATURE_ALIASES[feature]
  const all = [feature, ...aliases].flatMap((name) => [name, upper(name), title(name)])
  const spellings: string[] = []
  for (let k = 0; k < count; k++) {
    const base = aliases.length > 0 && rng.chance(ctx.rates.featureAlias) ? rng.pick(aliases) : feature
    const cased = rng.chance(ctx.rates.nameCase) ? (rng.chance(0.5) ? upper(base) : title(base)) : base
    const spelling = spellings.includes(cased) ? all.find((name) => !spellings.includes(name)) : cased
    if (spelling === undefined) break
    spellings.push(spelling)
  }
  return spellings
}

function generateUsage(ctx: UserContext, userId: string): void {
  const { rng } = ctx
  const firstDay = Math.floor(ctx.fromMs / DAY_MS)
  const lastDay = Math.floor((ctx.toMs - 1) / DAY_MS)
  const wanted = rng.int(0, Math.round(2 * ctx.shape.usageDaysPerUser))
  const days = new Set<number>()
  for (let attempt = 0; attempt < wanted * 4 && days.size < wanted; attempt++) days.add(rng.int(firstDay, lastDay))
  const keys = new Set<string>()
  for (const dayNumber of [...days].sort((a, b) => a - b)) {
    const day = utcDay(new Date(dayNumber * DAY_MS))
    const features = shuffled(rng, FEATURES).slice(0, rng.int(1, 2))
    for (const feature of features) {
      const duplicated = rng.chance(ctx.rates.duplicateUsage)
      if (duplicated) defect(ctx, 'duplicateUsage')
      let dayHasRow = false
      for (let spelling of featureSpellings(ctx, feature, duplicated ? rng.int(2, 3) : 1)) {
        const fault = rollDefect(ctx, USAGE_DEFECTS)
        if (fault === 'unknownFeature') {
          const base = rng.pick(UNKNOWN_FEATURES)
          spelling = base
          for (let n = 2; keys.has(`USAGE#${userId}#${spelling}#${day}`); n++) spelling = `${base}_${n}`
        } else {
          if (spelling.toLowerCase() !== feature) defect(ctx, 'featureAlias')
          if (spelling !== spelling.toLowerCase()) defect(ctx, 'nameCase')
        }
        const strategyId = `USAGE#${userId}#${spelling}#${day}`
        keys.add(strategyId)
        const count = rng.int(1, 40)
        let countRaw: unknown = count
        if (fault === 'badCount') countRaw = rng.pick(BAD_COUNTS)
        else if (rng.chance(ctx.rates.stringNumber)) {
          countRaw = String(count)
          defect(ctx, 'stringNumber')
        }
        const date =
          fault === 'badTimestamp' ? rng.pick(BAD_TIMESTAMPS) : timestamp(ctx, dayNumber * DAY_MS + rng.int(0, DAY_MS - 1), 'day')
        const item: LegacyItem = { strategy_id: strategyId, type: 'usage', user_id: userId, feature: spelling, count: countRaw, date }
        if (fault === 'missingUserId') delete item.user_id
        if (fault) {
          defect(ctx, fault)
          expectRejected(ctx, fault)
        } else {
          expectMapped(ctx, 'usage', !dayHasRow)
          dayHasRow = true
          ctx.tally.expected.usageCount += count
        }
        emit(ctx, 'usage', item)
      }
    }
  }
}

function generateActions(ctx: UserContext, userId: string, planRaw: string | undefined): void {
  const { rng } = ctx
  let atMs = rng.int(ctx.fromMs, ctx.toMs)
  const count = rng.int(0, Math.round(2 * ctx.shape.actionsPerUser))
  for (let k = 0; k < count; k++) {
    atMs += rng.int(1000, 3 * DAY_MS)
    const fault = rollDefect(ctx, EVENT_DEFECTS)
    const action = rng.pick(ACTIONS)
    const details: Record<string, unknown> = action.startsWith('run')
      ? { track: rng.pick(GENERATOR_TRACKS).names[0], laps: rng.int(44, 78), compound: rng.pick(COMPOUNDS) }
      : {
          ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          user_agent: rng.pick(['Mozilla/5.0', 'curl/8.4.0', 'F1Sim-iOS/2.3']),
        }
    const item: LegacyItem = {
      strategy_id: `ACTION#${userId}#${atMs}`,
      type: typeName(ctx, 'action', ['action_log']),
      user_id: userId,
      action,
      details: freeForm(ctx, details, fault === undefined),
      timestamp: fault === 'badTimestamp' ? rng.pick(BAD_TIMESTAMPS) : timestamp(ctx, atMs),
    }
    if (planRaw !== undefined && rng.chance(0.5)) item.plan = planRaw
    if (fault === 'missingUserId') delete item.user_id
    if (fault) {
      defect(ctx, fault)
      expectRejected(ctx, fault)
    } else expectMapped(ctx, 'actions')
    emit(ctx, 'action', item)
  }
}

function generateStrategies(ctx: UserContext, userId: string): void {
  const { rng, rates } = ctx
  const count = Math.min(255, rng.int(0, Math.round(2 * ctx.shape.strategiesPerUser)))
  for (let k = 0; k < count; k++) {
    const fault = rollDefect(ctx, EVENT_DEFECTS)
    const willMap = fault === undefined
    let track: string
    if (rng.chance(rates.unknownTrack)) {
      track = rng.pick(GENERATOR_UNKNOWN_TRACKS)
      defect(ctx, 'unknownTrack')
      if (willMap) ctx.tally.expected.warnings.unknown_track += 1
    } else track = rng.pick(rng.pick(GENERATOR_TRACKS).names)
    const stops = rng.int(1, 3)
    const strategy = {
      start_compound: rng.pick(COMPOUNDS.slice(0, 3)),
      pit_stops: Array.from({ length: stops }, (_, n) => ({ lap: 12 + n * 15 + rng.int(0, 8), compound: rng.pick(COMPOUNDS.slice(0, 3)) })),
    }
    const seconds = 4800 + rng.int(0, 1_800_000) / 1000
    let totalTime: string | number = seconds
    if (rng.chance(rates.raceClock)) {
      totalTime = raceClock(seconds)
      defect(ctx, 'raceClock')
    } else if (rng.chance(rates.stringNumber)) {
      totalTime = String(seconds)
      defect(ctx, 'stringNumber')
    }
    const item: LegacyItem = {
      strategy_id: uuid(rng, ctx.index * 256 + k),
      type: typeName(ctx, 'strategy', ['simulation']),
      user_id: userId,
      track,
      strategy: freeForm(ctx, strategy, willMap),
      result: freeForm(ctx, { position: rng.int(1, 20), total_time: seconds, laps: rng.int(44, 78) }, willMap),
      total_time: totalTime,
      created_at: fault === 'badTimestamp' ? rng.pick(BAD_TIMESTAMPS) : timestamp(ctx, rng.int(ctx.fromMs, ctx.toMs)),
    }
    if (fault === 'missingUserId') delete item.user_id
    if (fault) {
      defect(ctx, fault)
      expectRejected(ctx, fault)
    } else expectMapped(ctx, 'simulations')
    emit(ctx, 'strategy', item)
  }
}

function generateUser(ctx: UserContext): void {
  const { rng, rates } = ctx
  const userId = uuid(rng, ctx.index * 4)
  const first = rng.pick(FIRST)
  const last = rng.pick(LAST)
  const lowerEmail = `${first}.${last}${ctx.index}@${rng.pick(DOMAINS)}`.toLowerCase()
  const person: Person = {
    userId,
    name: `${first} ${last}`,
    lowerEmail,
    // Old app versions kept the email as typed.
    email: rng.chance(0.3) ? titleEmail(lowerEmail) : lowerEmail,
    createdMs: rng.int(ctx.fromMs, ctx.toMs - 1),
  }
  const profile = generateProfile(ctx, person)
  if (rng.chance(rates.emailConflict)) generateEmailConflict(ctx, person, profile.hasUserId)
  if (rng.chance(rates.emailLock)) {
    defect(ctx, 'emailLock')
    ctx.tally.expected.skipped.email_lock += 1
    emit(ctx, 'email_lock', {
      strategy_id: emailLockKey(lowerEmail),
      type: 'email_lock',
      user_id: userId,
      email: lowerEmail,
      created_at: new Date(person.createdMs).toISOString(),
    })
  }
  generateUsage(ctx, userId)
  generateActions(ctx, userId, profile.planRaw)
  generateStrategies(ctx, userId)
  if (rng.chance(rates.unknownType)) {
    const type = rng.pick(UNKNOWN_TYPES)
    const atMs = rng.int(ctx.fromMs, ctx.toMs)
    const item: LegacyItem = {
      strategy_id: `${(type ?? 'tmp').toUpperCase()}#${userId}#${atMs}`,
      user_id: userId,
      created_at: timestamp(ctx, atMs),
    }
    if (type !== undefined) item.type = type
    defect(ctx, 'unknownType')
    expectRejected(ctx, 'unknownType')
    emit(ctx, 'unknown', item)
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point

export type LegacyDataGenerator = Generator<LegacyItem, LegacyTally, undefined> & {
  /** Counts of what has been yielded so far, complete per user; final once the generator is done. */
  readonly tally: LegacyTally
}

function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${value}`)
}

/**
 * Legacy items for `users` users, yielded lazily one user at a time (memory stays bounded whatever
 * the count). Every user has a profile and, by the shape's means, usage days, actions and
 * strategies; defects are applied at `rates` (DEFAULT_RATES for those not given). The same seed and
 * options always give the same items. `tally` counts what was produced and what a migration must
 * report for it. Throws RangeError on invalid options (never on anything it generates).
 */
export function generateLegacyData(options: GenerateOptions): LegacyDataGenerator {
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

  const seedBits = seedWord(seed)
  const tally = emptyTally()
  function* run(): Generator<LegacyItem, LegacyTally, undefined> {
    for (let index = 0; index < users; index++) {
      const ctx: UserContext = {
        index,
        // The index as two words keeps every user's stream distinct, whatever the count.
        rng: createRng(seedBits, index >>> 0, Math.floor(index / 4294967296)),
        rates,
        shape,
        fromMs,
        toMs,
        tally: emptyTally(),
        items: [],
      }
      generateUser(ctx)
      yield* ctx.items
      ctx.tally.users = 1
      addTally(tally, ctx.tally)
    }
    return tally
  }
  return Object.assign(run(), { tally })
}
