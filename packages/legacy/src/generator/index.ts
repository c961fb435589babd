// A deterministic generator of realistic legacy f1-strategy-metadata-dev items, with every defect
// docs/legacy-data.md lists at configurable rates, and a tally of what it produced and what a
// migration of it must report. Pure: the project's seeded PRNG, no clock, no I/O; items are
// produced lazily, user by user. The `@f1/legacy/generator` export; nothing else in the package
// imports this folder.
import { createRng, seedWord } from '@f1/race-sim/random'
import type { LegacyItem, UserContext } from './context.ts'
import { resolveOptions, type GenerateOptions } from './options.ts'
import { addTally, emptyTally, type LegacyTally } from './tally.ts'
import { generateUser } from './user.ts'

// The project's one seeded PRNG (packages/race-sim/src/random.ts), for callers that draw their own values.
export { createRng, seedWord, type Rng } from '@f1/race-sim/random'
export type { LegacyItem } from './context.ts'
export { TIMESTAMP_FORMATS, type TimestampFormat } from './formats.ts'
export { GENERATOR_TRACKS, GENERATOR_UNKNOWN_TRACKS } from './names.ts'
export { DEFAULT_SHAPE, type GenerateOptions, type LegacyShape } from './options.ts'
export { DEFAULT_RATES, DEFECT_NAMES, type DefectName, type LegacyRates } from './rates.ts'
export { addTally, emptyTally, type ExpectedOutcome, type GeneratedKind, type LegacyTally } from './tally.ts'

export type LegacyDataGenerator = Generator<LegacyItem, LegacyTally, undefined> & {
  /** Counts of what has been yielded so far, complete per user; final once the generator is done. */
  readonly tally: LegacyTally
}

/**
 * Legacy items for `users` users, yielded lazily one user at a time (memory stays bounded whatever
 * the count). Every user has a profile and, by the shape's means, usage days, actions and
 * strategies; defects are applied at `rates` (DEFAULT_RATES for those not given). The same seed and
 * options always give the same items. `tally` counts what was produced and what a migration must
 * report for it. Throws RangeError on invalid options (never on anything it generates).
 */
export function generateLegacyData(options: GenerateOptions): LegacyDataGenerator {
  const { users, seed, rates, shape, fromMs, toMs } = resolveOptions(options)
  const seedBits = seedWord(seed)
  const tally = emptyTally()
  function* run(): Generator<LegacyItem, LegacyTally, undefined> {
    for (let index = 0; index < users; index++) {
      // Each user on its own stream of the seed: its items do not depend on how many users there are.
      const ctx: UserContext = { index, rng: createRng(seedBits, index), rates, shape, fromMs, toMs, tally: emptyTally(), items: [] }
      generateUser(ctx)
      yield* ctx.items
      ctx.tally.users = 1
      addTally(tally, ctx.tally)
    }
    return tally
  }
  return Object.assign(run(), { tally })
}
