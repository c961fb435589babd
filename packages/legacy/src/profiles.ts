// Legacy profiles: their subscription part becomes a row of f1-user-subscriptions-dev (the profile
// itself stays in the legacy table), and profiles sharing an email in another letter case are sorted out.
import type { PlanId } from '@f1/contracts/common'
import type { SubscriptionStatus } from '@f1/contracts/subscriptions'
import { isAbsent, isRecord, isRejected, readBase, readOptionalTimestamp, readText, readUserId, describe } from './fields.ts'
import { isProfileType } from './kinds.ts'
import { parseLegacyPlan, parseLegacyStatus } from './plans.ts'
import { mapped, rejected, skipped, type SubscriptionRow, type TransformResult } from './result.ts'
import { parseLegacyTimestamp, toIsoMs } from './timestamps.ts'

export interface ProfileContext {
  /** The migration's clock, written as migrated_at. */
  now: Date
}

/** updated_from_event_at of a row whose profile has no date at all: older than any Stripe event. */
export const LEGACY_EPOCH = '1970-01-01T00:00:00.000Z'

/** The subscription_id of a legacy subscription with no Stripe subscription: one per user, so concurrent lazy migrations write one row. */
export function legacySubscriptionId(userId: string): string {
  return `legacy-${userId}`
}

/**
 * The subscription row a legacy profile holds. Plan aliases and status spellings are mapped
 * (absent status means `active`); subscription_start/end become the period (any legacy timestamp
 * format); subscription_id is the Stripe subscription id, else `legacy-<user_id>`. A profile on the
 * free plan or none, with no Stripe ids, is skipped (`no_subscription`: absence already means free).
 * Rejected: no or bad user_id, an unknown plan (or none beside a Stripe subscription id), an unknown
 * status, any of created_at / subscription_start / subscription_end present but unreadable.
 */
export function subscriptionFromLegacyProfile(raw: unknown, ctx: ProfileContext): TransformResult<'subscriptions'> {
  const base = readBase(raw)
  if (isRejected(base)) return base
  const { item, legacyId } = base
  const userId = readUserId(base)
  if (isRejected(userId)) return userId

  const stripeSubscriptionId = readText(item, 'stripe_subscription_id')
  const stripeCustomerId = readText(item, 'stripe_customer_id')
  let planId: PlanId | undefined
  if (!isAbsent(item.plan)) {
    planId = parseLegacyPlan(item.plan)
    if (!planId) return rejected('unknown_plan', `plan ${describe(item.plan)} is no known plan`, legacyId)
  } else if (stripeSubscriptionId) {
    // A Stripe subscription with no plan: free would silently downgrade a payer, any paid plan is a guess.
    return rejected('unknown_plan', 'plan is missing on a profile with a stripe_subscription_id', legacyId)
  }
  planId ??= 'free'
  if (planId === 'free' && !stripeSubscriptionId && !stripeCustomerId) {
    return skipped('no_subscription', 'free plan and no Stripe ids', legacyId)
  }

  let status: SubscriptionStatus = 'active'
  if (!isAbsent(item.subscription_status)) {
    const parsed = parseLegacyStatus(item.subscription_status)
    if (!parsed) return rejected('unknown_status', `subscription_status ${describe(item.subscription_status)} is no known status`, legacyId)
    status = parsed
  }

  const createdAt = readOptionalTimestamp(base, 'created_at')
  if (isRejected(createdAt)) return createdAt
  const periodStart = readOptionalTimestamp(base, 'subscription_start')
  if (isRejected(periodStart)) return periodStart
  const periodEnd = readOptionalTimestamp(base, 'subscription_end')
  if (isRejected(periodEnd)) return periodEnd

  const row: SubscriptionRow = {
    user_id: userId,
    subscription_id: stripeSubscriptionId ?? legacySubscriptionId(userId),
    plan_id: planId,
    status,
    cancel_at_period_end: false,
    updated_from_event_at: periodStart ?? createdAt ?? LEGACY_EPOCH,
    migrated_from: legacyId,
    migrated_at: toIsoMs(ctx.now),
  }
  if (periodStart) row.current_period_start = periodStart
  if (periodEnd) row.current_period_end = periodEnd
  if (stripeSubscriptionId) row.stripe_subscription_id = stripeSubscriptionId
  if (stripeCustomerId) row.stripe_customer_id = stripeCustomerId
  return mapped('subscriptions', row, legacyId)
}

/** A profile holding an email, as the conflict report shows it. */
export interface EmailHolder {
  user_id: string
  legacy_id: string
  /** The email as the profile spells it. */
  email: string
  /** created_at as ISO ms Z, absent when missing or unreadable (such profiles lose every tie). */
  created_at?: string
}

export interface EmailConflict {
  /** The lower-cased email. */
  email: string
  /** The earliest created profile: the account. */
  account: EmailHolder
  /** The other profiles with this email, earliest first. */
  others: EmailHolder[]
}

export interface EmailResolution {
  /** Every lower-cased email and the profile that is its account. */
  accounts: Map<string, EmailHolder>
  /** Emails held by more than one profile, sorted by email. */
  conflicts: EmailConflict[]
}

/**
 * Which profile owns each email, compared in lower case: the earliest created (created_at in any
 * legacy format; missing or unreadable counts as latest; ties go to the smaller strategy_id).
 * Items that are not profiles, or lack a strategy_id, a usable user_id or an email, are ignored.
 */
export function resolveEmailConflicts(items: Iterable<unknown>): EmailResolution {
  const byEmail = new Map<string, Array<{ holder: EmailHolder; createdMs: number }>>()
  for (const raw of items) {
    if (!isRecord(raw) || !isProfileType(raw.type)) continue
    const base = readBase(raw)
    if (isRejected(base)) continue
    const userId = readUserId(base)
    const email = readText(base.item, 'email')
    if (isRejected(userId) || !email) continue
    const created = parseLegacyTimestamp(base.item.created_at)
    const holder: EmailHolder = { user_id: userId, legacy_id: base.legacyId, email }
    if (created) holder.created_at = toIsoMs(created)
    const key = email.toLowerCase()
    const list = byEmail.get(key) ?? []
    list.push({ holder, createdMs: created?.getTime() ?? Number.POSITIVE_INFINITY })
    byEmail.set(key, list)
  }
  const accounts = new Map<string, EmailHolder>()
  const conflicts: EmailConflict[] = []
  for (const [email, list] of byEmail) {
    list.sort((a, b) => a.createdMs - b.createdMs || compare(a.holder.legacy_id, b.holder.legacy_id))
    const [first, ...rest] = list.map((entry) => entry.holder)
    if (!first) continue
    accounts.set(email, first)
    if (rest.length > 0) conflicts.push({ email, account: first, others: rest })
  }
  conflicts.sort((a, b) => compare(a.email, b.email))
  return { accounts, conflicts }
}

/**
 * The profile among `items` that is the account of `email` (any letter case) by the rule of
 * resolveEmailConflicts, returned as given; undefined when none of them holds it. The gateway
 * answers logins with it, so a login and the migration's report name the same account.
 */
export function accountProfile<T>(items: readonly T[], email: string): T | undefined {
  const account = resolveEmailConflicts(items).accounts.get(email.toLowerCase())
  if (!account) return undefined
  return items.find((item) => isRecord(item) && item.strategy_id === account.legacy_id)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
