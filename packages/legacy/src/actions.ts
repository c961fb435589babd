// Legacy action items -> rows of f1-user-actions-log-dev.
import { actionKey } from '@f1/tables/keys'
import { isAbsent, isRejected, readBase, readFreeForm, readRequiredTimestamp, readText, readUserId, shortHash } from './fields.ts'
import { parseLegacyPlan } from './plans.ts'
import { mapped, rejected, type ActionRow, type TransformResult, type Warning } from './result.ts'
import { toIsoMs } from './timestamps.ts'

export interface ActionContext {
  now: Date
}

/**
 * The actions table's sort key for a legacy action: its instant (ISO ms Z) and, as its action id,
 * `legacy-` + 16 hex digits of the legacy id's sha256 (live rows have their event id). The same
 * legacy item always gets the same key, so a re-run's conditional put finds the row it wrote before.
 */
export function legacyActionSortKey(timestampIso: string, legacyId: string): string {
  return actionKey(timestampIso, `legacy-${shortHash(legacyId)}`)
}

/**
 * The action row of a legacy action item: timestamp (any legacy format) made unique, action_type
 * from `action`, action_details from `details` (a map, a JSON string parsed, other strings kept),
 * plan_id from the item's `plan` / `plan_id` when it names a known plan. Rejected: no or bad user_id,
 * a timestamp missing or unreadable, no action name.
 */
export function actionFromLegacyItem(raw: unknown, ctx: ActionContext): TransformResult<'actions'> {
  const base = readBase(raw)
  if (isRejected(base)) return base
  const { item, legacyId } = base
  const userId = readUserId(base)
  if (isRejected(userId)) return userId
  const timestamp = readRequiredTimestamp(base, 'timestamp')
  if (isRejected(timestamp)) return timestamp
  const actionType = readText(item, 'action')
  if (!actionType) return rejected('missing_action', 'action is missing or not a string', legacyId)
  const warnings: Warning[] = []
  const row: ActionRow = {
    user_id: userId,
    timestamp: legacyActionSortKey(timestamp, legacyId),
    action_type: actionType,
    migrated_from: legacyId,
    migrated_at: toIsoMs(ctx.now),
  }
  const details = readFreeForm(base, 'details', warnings)
  if (details !== undefined) row.action_details = details
  const plan = parseLegacyPlan(isAbsent(item.plan_id) ? item.plan : item.plan_id)
  if (plan) row.plan_id = plan
  return mapped('actions', row, legacyId, warnings)
}
