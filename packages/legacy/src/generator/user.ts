// Everything one user left in the legacy table: a person, their profile (and perhaps a second one
// with the same email), an email lock, usage, actions, strategies and perhaps an item of no known type.
import { emailLockKey } from '@f1/tables/keys'
import { generateActions } from './actions.ts'
import { UNKNOWN_TYPES } from './bad-values.ts'
import { defect, emit, expectRejected, type LegacyItem, type UserContext } from './context.ts'
import { timestamp } from './defects.ts'
import { titleEmail } from './formats.ts'
import { DOMAINS, FIRST_NAMES, LAST_NAMES } from './names.ts'
import { generateEmailConflict, generateProfile, type Person } from './profiles.ts'
import { uuid } from './ids.ts'
import { generateStrategies } from './strategies.ts'
import { generateUsage } from './usage.ts'

export function generateUser(ctx: UserContext): void {
  const { rng, rates } = ctx
  const userId = uuid(rng, ctx.index * 4)
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
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
