// The bus's settings from the environment, in one place (docs/architecture.md, "Configuration").
import { join } from 'node:path'
import { repoRoot } from '../cli/paths.ts'

export const DEFAULT_BUS_PORT = 4010
/** Where the bus serves the consumers' event queues (its local SQS). */
export const DEFAULT_EVENT_QUEUE_PORT = 4011
export const DEFAULT_BUS_NAME = 'f1-events-dev'

export interface BusEnvSettings {
  port: number
  queuePort: number
  /** The local SQS for commands run beside the bus: SQS_ENDPOINT, else http://127.0.0.1:<queuePort>. */
  sqsEndpoint: string
  busName: string
  region: string
  deadLetterDir: string
}

function portOf(endpoint: string | undefined): number | undefined {
  if (!endpoint) return undefined
  try {
    const port = new URL(endpoint).port
    return port ? Number(port) : undefined
  } catch {
    return undefined
  }
}

/**
 * The bus settings the environment gives: EVENT_BUS_PORT (else EVENTBRIDGE_ENDPOINT's port, else 4010),
 * EVENT_QUEUE_PORT (else SQS_ENDPOINT's port, else 4011), EVENT_BUS_NAME, AWS_REGION and
 * EVENT_BUS_DEAD_LETTER_DIR (else <repo>/.local/bus).
 */
export function busSettingsFromEnv(env: NodeJS.ProcessEnv): BusEnvSettings {
  const queuePort = Number(env.EVENT_QUEUE_PORT ?? portOf(env.SQS_ENDPOINT) ?? DEFAULT_EVENT_QUEUE_PORT)
  return {
    port: Number(env.EVENT_BUS_PORT ?? portOf(env.EVENTBRIDGE_ENDPOINT) ?? DEFAULT_BUS_PORT),
    queuePort,
    sqsEndpoint: (env.SQS_ENDPOINT || `http://127.0.0.1:${queuePort}`).replace(/\/+$/, ''),
    busName: env.EVENT_BUS_NAME || DEFAULT_BUS_NAME,
    region: env.AWS_REGION || 'us-east-1',
    deadLetterDir: env.EVENT_BUS_DEAD_LETTER_DIR || join(repoRoot(), '.local', 'bus'),
  }
}
