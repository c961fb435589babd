// Physical names per stage, derived from the seed's names the apps default to. Rule: the dev stage
// keeps every seed name exactly (so dev deploys match the apps' defaults and the legacy table);
// any other stage strips a trailing `-dev` and appends `-<stage>`.
import { LOCAL_STAGE, STAGE_PATTERN as APP_STAGE_PATTERN } from '@f1/contracts/services'
import { TABLE_IDS, TABLES, type TableId } from '@f1/tables'
import { EventBusConfigProperties } from '@f1/events/config'

/**
 * A stage: `dev`, `prod`, `staging`, `pr-42`... the apps' STAGE too (their config checks the same
 * pattern). At most 16 characters, so that the longest name built from it stays within its
 * service's limit (test/stage-names.test.ts checks each one).
 */
export const STAGE_PATTERN = new RegExp(APP_STAGE_PATTERN)
/** A stage name that passed parseStage (context values are checked once, in config.ts). */
export type Stage = string

/** Whether a context value can name a stage (lowercase, starts with a letter, 2 to 16 characters). */
export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && STAGE_PATTERN.test(value) && value !== LOCAL_STAGE
}

/** The stage a value names; throws a message fit for `-c stage=...` otherwise. */
export function parseStage(value: string): Stage {
  if (!isStage(value)) {
    throw new Error(
      `context stage must match ${STAGE_PATTERN.source} (a lowercase letter, then 1 to 15 lowercase letters, digits or hyphens: dev, prod, staging, pr-42) and not be \`${LOCAL_STAGE}\` (the local stack's), got ${JSON.stringify(value)}`,
    )
  }
  return value
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

/** A CloudWatch log group of the stage: `/f1/<stage>/<name>`. */
export function logGroupName(stage: Stage, name: string): string {
  return `/f1/${stage}/${name}`
}

/** A Secrets Manager secret of the stage: `f1/<stage>/<name>`. */
export function secretName(stage: Stage, name: string): string {
  return `f1/${stage}/${name}`
}
