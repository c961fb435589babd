// A user's saved strategies: a track name (known or not), pit stops, a result and a total time
// written as seconds, a string or a race clock.
import { BAD_TIMESTAMPS } from './bad-values.ts'
import { defect, emit, expectMapped, rollDefect, settleFault, type LegacyItem, type UserContext } from './context.ts'
import { freeForm, timestamp, typeName } from './defects.ts'
import { raceClock } from './formats.ts'
import { DRY_COMPOUNDS, GENERATOR_TRACKS, GENERATOR_UNKNOWN_TRACKS } from './names.ts'
import { uuid } from './ids.ts'
import { EVENT_DEFECTS } from './rates.ts'

/** Strategy k of user i is tagged i * 256 + k, which stays unique while k < 256. */
const MAX_STRATEGIES = 255

export function generateStrategies(ctx: UserContext, userId: string): void {
  const { rng, rates } = ctx
  const count = Math.min(MAX_STRATEGIES, rng.int(0, Math.round(2 * ctx.shape.strategiesPerUser)))
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
      start_compound: rng.pick(DRY_COMPOUNDS),
      pit_stops: Array.from({ length: stops }, (_, n) => ({ lap: 12 + n * 15 + rng.int(0, 8), compound: rng.pick(DRY_COMPOUNDS) })),
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
    if (settleFault(ctx, item, fault)) expectMapped(ctx, 'simulations')
    emit(ctx, 'strategy', item)
  }
}
