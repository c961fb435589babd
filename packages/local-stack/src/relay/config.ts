// The relay's settings from the environment, in one place, as the bus's are in bus/config.ts.
import { join } from 'node:path'
import { resolveTableNames } from '@f1/tables'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { DYNAMODB_LOCAL_PORT } from '../apps.ts'
import { DEFAULT_BUS_NAME, DEFAULT_BUS_PORT } from '../bus/config.ts'
import { repoRoot } from '../cli/paths.ts'

export interface RelayEnvSettings {
  dynamodbEndpoint: string
  eventBridgeEndpoint: string
  busName: string
  region: string
  /** Every outbox table, by id, under the name the environment gives it. */
  tables: Record<OutboxTableId, string>
  /** Where checkpoints.json (and dead-letters.jsonl) live by default. */
  dir: string
}

/**
 * DYNAMODB_ENDPOINT (else DynamoDB Local's dev port), EVENTBRIDGE_ENDPOINT (else the local bus on
 * EVENT_BUS_PORT or 4010), EVENT_BUS_NAME, AWS_REGION, the outbox tables' names and RELAY_DIR (else
 * <repo>/.local/relay).
 */
export function relaySettingsFromEnv(env: NodeJS.ProcessEnv): RelayEnvSettings {
  const names = resolveTableNames(env)
  return {
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || `http://127.0.0.1:${DYNAMODB_LOCAL_PORT}`,
    eventBridgeEndpoint: env.EVENTBRIDGE_ENDPOINT || `http://127.0.0.1:${env.EVENT_BUS_PORT || DEFAULT_BUS_PORT}`,
    busName: env.EVENT_BUS_NAME || DEFAULT_BUS_NAME,
    region: env.AWS_REGION || 'us-east-1',
    tables: Object.fromEntries(OUTBOX_TABLE_IDS.map((id) => [id, names[id]])) as Record<OutboxTableId, string>,
    dir: env.RELAY_DIR || join(repoRoot(), '.local', 'relay'),
  }
}
