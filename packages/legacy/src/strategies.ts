// Legacy strategy / simulation items -> rows of f1-simulation-results.
import { isAbsent, isRejected, readBase, readFreeForm, readRequiredTimestamp, readText, readUserId, describe } from './fields.ts'
import { mapped, rejected, type SimulationRow, type TransformResult, type Warning } from './result.ts'
import { parseLegacyDuration, toIsoMs } from './timestamps.ts'

export interface StrategyContext {
  now: Date
  /** The catalog's track id for a free-text track name, or undefined when it knows none. Must not throw. */
  resolveTrack: (raw: string) => string | undefined
}

/**
 * The simulation row of a legacy strategy: simulation_id is the legacy UUID (strategy_id),
 * created_at in any legacy format, track_id through ctx.resolveTrack (an unknown name is kept as
 * track_id with track_unresolved and an `unknown_track` warning), strategy_data and results from
 * `strategy` and `result` (maps, JSON strings parsed, other strings kept), total_time in seconds
 * from a number, a numeric string or a race clock. Rejected: no or bad user_id, created_at missing or
 * unreadable, total_time present but unreadable.
 */
export function simulationFromLegacyItem(raw: unknown, ctx: StrategyContext): TransformResult<'simulations'> {
  const base = readBase(raw)
  if (isRejected(base)) return base
  const { item, legacyId } = base
  const userId = readUserId(base)
  if (isRejected(userId)) return userId
  const createdAt = readRequiredTimestamp(base, 'created_at')
  if (isRejected(createdAt)) return createdAt
  let totalTime: number | undefined
  if (!isAbsent(item.total_time)) {
    totalTime = parseLegacyDuration(item.total_time)
    if (totalTime === undefined) return rejected('bad_total_time', `total_time ${describe(item.total_time)} is no duration`, legacyId)
  }

  const warnings: Warning[] = []
  const row: SimulationRow = {
    simulation_id: legacyId,
    created_at: createdAt,
    user_id: userId,
    migrated_from: legacyId,
    migrated_at: toIsoMs(ctx.now),
  }
  const track = readText(item, 'track')
  if (track === undefined) {
    warnings.push({ code: 'missing_track', detail: 'track is missing or not a string' })
  } else {
    const trackId = ctx.resolveTrack(track)
    if (trackId !== undefined) row.track_id = trackId
    else {
      row.track_id = track
      row.track_unresolved = true
      warnings.push({ code: 'unknown_track', detail: `track ${describe(track)} is not in the catalog; kept as written` })
    }
  }
  const strategy = readFreeForm(base, 'strategy', warnings)
  if (strategy !== undefined) row.strategy_data = strategy
  const results = readFreeForm(base, 'result', warnings)
  if (results !== undefined) row.results = results
  if (totalTime !== undefined) row.total_time = totalTime
  return mapped('simulations', row, legacyId, warnings)
}
