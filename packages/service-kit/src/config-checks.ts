// What every app's config test asserts of its spec, stated once: the README documents the schema,
// and production refuses to start on a dev secret or without one.
import { readFileSync } from 'node:fs'
import type { TProperties } from 'typebox'
import { BASE_DEV_DEFAULTS, ConfigError, type ConfigSpec } from './config.ts'
import { renderEnvTable, withEnvTable } from './config-docs.ts'

// The shared secrets (docs/architecture.md, "Configuration"): a production app never starts on their dev values.
const SECRETS = ['SERVICE_TOKEN', 'JWT_SECRET', 'EVENT_BUS_SECRET', 'STRIPE_WEBHOOK_SECRET']

/** The README with its env table rendered from the spec: equal to the file when the docs are current. */
export function readmeWithEnvTable<P extends TProperties>(spec: ConfigSpec<P>, readme: string | URL): { current: string; next: string } {
  const current = readFileSync(readme, 'utf8')
  return { current, next: withEnvTable(current, renderEnvTable(spec)) }
}

/** What a production start does wrong with this spec, in words; empty when it refuses every dev secret and a missing one. */
export function prodGuardProblems<P extends TProperties>(spec: ConfigSpec<P>): string[] {
  const problems: string[] = []
  const devValues: Record<string, string> = { ...BASE_DEV_DEFAULTS, ...spec.devDefaults }
  const used = SECRETS.filter((name) => name in spec.properties && devValues[name] !== undefined)
  const devEnv = Object.fromEntries(Object.entries(devValues).filter(([name]) => name in spec.properties))
  const refusal = (env: Record<string, string>): string | undefined => {
    try {
      spec.load({ env: { ...env, STAGE: 'prod' } })
    } catch (err) {
      if (err instanceof ConfigError) return err.message
      throw err
    }
    return undefined
  }
  const withDevValues = refusal(devEnv)
  if (withDevValues === undefined) problems.push('STAGE=prod started with every dev default')
  for (const name of used) {
    if (withDevValues !== undefined && !withDevValues.includes(`${name}: is the dev default`)) problems.push(`STAGE=prod accepted the dev ${name}`)
  }
  const withNothing = refusal({})
  if (withNothing === undefined || !withNothing.includes('SERVICE_TOKEN: is required')) problems.push('STAGE=prod started without SERVICE_TOKEN')
  return problems
}
