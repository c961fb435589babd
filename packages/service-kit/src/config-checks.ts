// What every app's config test asserts of its spec, stated once: the README documents the schema,
// and a deployed stage refuses to start on a dev secret or without one.
import { readFileSync } from 'node:fs'
import type { TProperties } from 'typebox'
import { BASE_DEV_DEFAULTS, ConfigError, type ConfigSpec } from './config.ts'
import { renderEnvTable, withEnvTable } from './config-docs.ts'

// The secrets (docs/architecture.md, "Configuration"): a deployed app never starts on their dev values.
const SECRETS = ['JWT_SECRET', 'EVENT_BUS_SECRET', 'STRIPE_WEBHOOK_SECRET']
/** The service tokens: the ones an app presents (`<CALLEE>_TOKEN`) and the ones it accepts (`TOKEN_FROM_<CALLER>`). */
const isServiceToken = (name: string) => /^TOKEN_FROM_|_TOKEN$/.test(name)

/** The README with its env table rendered from the spec: equal to the file when the docs are current. */
export function readmeWithEnvTable<P extends TProperties>(spec: ConfigSpec<P>, readme: string | URL): { current: string; next: string } {
  const current = readFileSync(readme, 'utf8')
  return { current, next: withEnvTable(current, renderEnvTable(spec)) }
}

/** What a deployed start (STAGE=prod) does wrong with this spec, in words; empty when it refuses every dev secret and a missing one. */
export function prodGuardProblems<P extends TProperties>(spec: ConfigSpec<P>): string[] {
  const problems: string[] = []
  const devValues: Record<string, string> = { ...BASE_DEV_DEFAULTS, ...spec.devDefaults }
  const tokens = Object.keys(spec.properties).filter(isServiceToken)
  const used = [...SECRETS, ...tokens].filter((name) => name in spec.properties && devValues[name] !== undefined)
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
  if (tokens.length === 0) problems.push('the spec has no service token: every app calls or is called')
  const withNothing = refusal({})
  for (const name of tokens) {
    if (withNothing === undefined || !withNothing.includes(`${name}: is required`)) problems.push(`STAGE=prod started without ${name}`)
  }
  return problems
}
