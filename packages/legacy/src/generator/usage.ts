// A user's usage items: a few days, one or two features a day, and for the duplicateUsage defect a
// day split over items that spell the feature differently (merged into one row by the migration).
import { FEATURES, type FeatureName } from '@f1/contracts/common'
import type { Rng } from '@f1/race-sim/random'
import { utcDay } from '@f1/tables/keys'
import { BAD_COUNTS, BAD_TIMESTAMPS, UNKNOWN_FEATURES } from './bad-values.ts'
import { defect, emit, expectMapped, rollDefect, settleFault, type LegacyItem, type UserContext } from './context.ts'
import { timestamp } from './defects.ts'
import { DAY_MS, title, upper } from './formats.ts'
import { FEATURE_ALIASES } from './names.ts'
import { USAGE_DEFECTS } from './rates.ts'

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

export function generateUsage(ctx: UserContext, userId: string): void {
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
        if (settleFault(ctx, item, fault)) {
          expectMapped(ctx, 'usage', !dayHasRow)
          dayHasRow = true
          ctx.tally.expected.usageCount += count
        }
        emit(ctx, 'usage', item)
      }
    }
  }
}
