// A user's profile items: the main profile (free or paid, with its Stripe ids, period and status)
// and, for the emailConflict defect, a second profile with the same email in another case.
import type { PlanId } from '@f1/contracts/common'
import { legacyProfileKey } from '@f1/tables/keys'
import { BAD_TIMESTAMPS, UNKNOWN_PLANS, UNKNOWN_STATUSES } from './bad-values.ts'
import { defect, emit, expectMapped, rollDefect, settleFault, type LegacyItem, type UserContext } from './context.ts'
import { cancelled, nameCase, planName, timestamp, typeName } from './defects.ts'
import { DAY_MS, titleEmail, upper } from './formats.ts'
import { hex, uuid } from './ids.ts'
import { PROFILE_DEFECTS } from './rates.ts'

export interface Person {
  userId: string
  name: string
  email: string
  lowerEmail: string
  createdMs: number
}

export interface ProfileOutcome {
  hasUserId: boolean
  /** The plan as the profile writes it, for action items to echo. */
  planRaw: string | undefined
}

/** A Stripe id suffix unique to the user (its index) behind random-looking hex. */
function stripeSuffix(ctx: UserContext): string {
  return `${hex(ctx.rng, 10)}${ctx.index.toString(36)}`
}

export function generateProfile(ctx: UserContext, person: Person): ProfileOutcome {
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
    const suffix = stripeSuffix(ctx)
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
    item.stripe_customer_id = `cus_${stripeSuffix(ctx)}`
    hasStripeIds = true
    if (rng.chance(0.5)) item.subscription_status = nameCase(ctx, cancelled(ctx))
  }

  if (settleFault(ctx, item, fault)) {
    if (plan === 'free' && !hasStripeIds) ctx.tally.expected.skipped.no_subscription += 1
    else expectMapped(ctx, 'subscriptions')
  }
  emit(ctx, 'profile', item)
  return { hasUserId: fault !== 'missingUserId', planRaw: fault === 'unknownPlan' ? undefined : planRaw }
}

/** A second profile of the same person: another user_id, the email in another letter case. */
export function generateEmailConflict(ctx: UserContext, person: Person, mainHasUserId: boolean): void {
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
    item.stripe_customer_id = `cus_${stripeSuffix(ctx)}x`
    item.stripe_subscription_id = `sub_${stripeSuffix(ctx)}x`
    item.subscription_start = timestamp(ctx, createdMs)
    item.subscription_end = timestamp(ctx, createdMs + 30 * DAY_MS)
    expectMapped(ctx, 'subscriptions')
  } else ctx.tally.expected.skipped.no_subscription += 1
  defect(ctx, 'emailConflict')
  if (mainHasUserId) ctx.tally.expected.emailConflicts += 1
  emit(ctx, 'profile', item)
}
