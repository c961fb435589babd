// Physical names per stage, derived from the seed's names the apps default to. Rule: the dev stage
// keeps every seed name exactly (so dev deploys match the apps' defaults and the legacy table);
// any other stage strips a trailing `-dev` and appends `-<stage>`.
import { TABLE_IDS, TABLES, type TableId } from '@f1/tables'
import { EventBusConfigProperties } from '@f1/events/config'

export const STAGES = ['dev', 'prod'] as const
export type Stage = (typeof STAGES)[number]

/** Whether a context value is one of the stages the apps know (`STAGE` in their config). */
export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value)
}

/** A seed name (`f1-user-usage-dev`, `f1-simulation-results`) as named in the given stage. */
export function stageName(seedName: string, stage: Stage): string {
  if (stage === 'dev') return seedName
  return `${seedName.replace(/-dev$/, '')}-${stage}`
}

/** The table's name in the stage, from its definition in @f1/tables. */
export function tableName(id: TableId, stage: Stage): string {
  return stageName(TABLES[id].defaultName, stage)
}

/** Every table's name in the stage; the legacy one may be an existing table's name instead. */
export function stageTableNames(stage: Stage, legacyTableName?: string): Record<TableId, string> {
  const names = {} as Record<TableId, string>
  for (const id of TABLE_IDS) names[id] = tableName(id, stage)
  if (legacyTableName) names.legacy = legacyTableName
  return names
}

const busDefault: unknown = Reflect.get(EventBusConfigProperties.EVENT_BUS_NAME, 'default')
if (typeof busDefault !== 'string') throw new Error('EVENT_BUS_NAME has no default name in @f1/events/config')
/** The seed's bus name, the default of the apps' EVENT_BUS_NAME. */
export const SEED_BUS_NAME: string = busDefault

/** The EventBridge bus name in the stage (`f1-events-dev`, `f1-events-prod`). */
export function busName(stage: Stage): string {
  return stageName(SEED_BUS_NAME, stage)
}

/** A name for an infra-only resource (connection, queue, policy...): `f1-<base>-<stage>`. */
export function resourceName(base: string, stage: Stage): string {
  return `f1-${base}-${stage}`
}
