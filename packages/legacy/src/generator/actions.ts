// A user's action-log items: one after another from a random instant, their details a map or JSON.
import { BAD_TIMESTAMPS } from './bad-values.ts'
import { emit, expectMapped, rollDefect, settleFault, type LegacyItem, type UserContext } from './context.ts'
import { freeForm, timestamp, typeName } from './defects.ts'
import { DAY_MS } from './formats.ts'
import { ACTIONS, COMPOUNDS, GENERATOR_TRACKS, USER_AGENTS } from './names.ts'
import { EVENT_DEFECTS } from './rates.ts'

/** `planRaw`: the plan as the user's profile writes it, which old actions sometimes echoed. */
export function generateActions(ctx: UserContext, userId: string, planRaw: string | undefined): void {
  const { rng } = ctx
  let atMs = rng.int(ctx.fromMs, ctx.toMs)
  const count = rng.int(0, Math.round(2 * ctx.shape.actionsPerUser))
  for (let k = 0; k < count; k++) {
    atMs += rng.int(1000, 3 * DAY_MS)
    const fault = rollDefect(ctx, EVENT_DEFECTS)
    const action = rng.pick(ACTIONS)
    const details: Record<string, unknown> = action.startsWith('run')
      ? { track: rng.pick(GENERATOR_TRACKS).names[0], laps: rng.int(44, 78), compound: rng.pick(COMPOUNDS) }
      : { ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`, user_agent: rng.pick(USER_AGENTS) }
    const item: LegacyItem = {
      strategy_id: `ACTION#${userId}#${atMs}`,
      type: typeName(ctx, 'action', ['action_log']),
      user_id: userId,
      action,
      details: freeForm(ctx, details, fault === undefined),
      timestamp: fault === 'badTimestamp' ? rng.pick(BAD_TIMESTAMPS) : timestamp(ctx, atMs),
    }
    if (planRaw !== undefined && rng.chance(0.5)) item.plan = planRaw
    if (settleFault(ctx, item, fault)) expectMapped(ctx, 'actions')
    emit(ctx, 'action', item)
  }
}
