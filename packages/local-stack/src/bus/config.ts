// The bus's settings from the environment, in one place (docs/architecture.md, "Configuration").
import { join } from 'node:path'
import { CONSUMER_PATH } from '@f1/events/rules'
import { APPS } from '../apps.ts'
import { repoRoot } from '../cli/paths.ts'

export const DEFAULT_BUS_PORT = 4010
export const DEFAULT_BUS_NAME = 'f1-events-dev'
export const DEV_BUS_SECRET = 'dev-bus-secret-not-for-production'

export interface BusEnvSettings {
  port: number
  busName: string
  secret: string
  region: string
  deadLetterDir: string
  targetUrl: (app: string) => string
}

/** `<APP>_URL` (e.g. ACTION_LOG_SERVICE_URL), else http://127.0.0.1:<APP>_PORT or the app's dev port, plus /events. */
export function targetUrlFromEnv(env: NodeJS.ProcessEnv): (app: string) => string {
  return (app) => {
    const prefix = app.toUpperCase().replaceAll('-', '_')
    const port = env[`${prefix}_PORT`] ?? APPS.find((entry) => entry.name === app)?.port
    const base = env[`${prefix}_URL`] ?? (port === undefined ? undefined : `http://127.0.0.1:${port}`)
    if (base === undefined) throw new Error(`No URL for the event target ${app}: set ${prefix}_URL`)
    return `${base.replace(/\/+$/, '')}${CONSUMER_PATH}`
  }
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
 * EVENT_BUS_NAME, EVENT_BUS_SECRET (a dev default, refused on any stage but `local`), AWS_REGION,
 * EVENT_BUS_DEAD_LETTER_DIR (else <repo>/.local/bus) and the targets' `<APP>_URL`.
 */
export function busSettingsFromEnv(env: NodeJS.ProcessEnv): BusEnvSettings {
  if (env.STAGE && env.STAGE !== 'local' && !env.EVENT_BUS_SECRET) throw new Error(`EVENT_BUS_SECRET must be set when STAGE=${env.STAGE}`)
  return {
    port: Number(env.EVENT_BUS_PORT ?? portOf(env.EVENTBRIDGE_ENDPOINT) ?? DEFAULT_BUS_PORT),
    busName: env.EVENT_BUS_NAME || DEFAULT_BUS_NAME,
    secret: env.EVENT_BUS_SECRET || DEV_BUS_SECRET,
    region: env.AWS_REGION || 'us-east-1',
    deadLetterDir: env.EVENT_BUS_DEAD_LETTER_DIR || join(repoRoot(), '.local', 'bus'),
    targetUrl: targetUrlFromEnv(env),
  }
}
