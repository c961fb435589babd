// One user's generation: its random stream, the options, and where its items and counts go. The
// item builders record every item, defect and expected outcome through these helpers.
import type { Rng } from '@f1/race-sim/random'
import type { TargetTable } from '../result.ts'
import type { LegacyShape } from './options.ts'
import { REJECTING, type DefectName, type LegacyRates } from './rates.ts'
import type { GeneratedKind, LegacyTally } from './tally.ts'

/** A legacy item as DynamoDB holds it: its key and whatever attributes the old app wrote. */
export type LegacyItem = { strategy_id: string } & Record<string, unknown>

export interface UserContext {
  index: number
  rng: Rng
  rates: LegacyRates
  shape: LegacyShape
  fromMs: number
  toMs: number
  tally: LegacyTally
  items: LegacyItem[]
}

export function emit(ctx: UserContext, kind: GeneratedKind, item: LegacyItem): void {
  ctx.items.push(item)
  ctx.tally.items += 1
  ctx.tally.byKind[kind] += 1
}

export function expectMapped(ctx: UserContext, table: TargetTable, newRow = true): void {
  ctx.tally.expected.mapped[table] += 1
  if (newRow) ctx.tally.expected.rows[table] += 1
}

export function defect(ctx: UserContext, name: DefectName): void {
  ctx.tally.defects[name] += 1
}

/** At most one rejecting defect per item: the applicable rates laid end to end on one draw. */
export function rollDefect<D extends DefectName>(ctx: UserContext, candidates: readonly D[]): D | undefined {
  const draw = ctx.rng.next()
  let edge = 0
  for (const name of candidates) {
    edge += ctx.rates[name]
    if (draw < edge) return name
  }
  return undefined
}

/**
 * Applies and counts the fault rollDefect gave an item: the missingUserId one takes its user_id away,
 * any fault rejects it. Returns whether the item is free of faults, for the caller to count its row.
 */
export function settleFault(ctx: UserContext, item: LegacyItem, fault: DefectName | undefined): boolean {
  if (fault === 'missingUserId') delete item.user_id
  if (!fault) return true
  defect(ctx, fault)
  expectRejected(ctx, fault)
  return false
}

export function expectRejected(ctx: UserContext, name: DefectName): void {
  const reason = REJECTING[name]
  if (reason) ctx.tally.expected.rejected[reason] += 1
}
