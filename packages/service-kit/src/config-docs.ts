// The env table of an app's README, rendered from its config spec so the two cannot drift.
import type { TProperties } from 'typebox'
import { BASE_DEV_DEFAULTS, isRequiredWhenDeployed, LOCAL_STAGE, type ConfigSpec } from './config.ts'

const START = '<!-- env:start (generated from src/config.ts by `pnpm docs:env`; do not edit) -->'
const END = '<!-- env:end -->'

interface Described {
  default?: unknown
  description?: string
  enum?: unknown[]
  format?: string
  type?: string
  minimum?: number
  maximum?: number
}

function kind(schema: Described): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' / ')
  if (schema.format === 'uri') return 'URL'
  if (schema.type === 'integer')
    return schema.minimum !== undefined && schema.maximum !== undefined ? `integer ${schema.minimum}-${schema.maximum}` : 'integer'
  return schema.type ?? 'string'
}

/** The markdown table: variable, type, default, dev-only default, meaning, and what prod requires. */
export function renderEnvTable<P extends TProperties>(spec: ConfigSpec<P>): string {
  const devDefaults = { ...BASE_DEV_DEFAULTS, ...spec.devDefaults }
  const rows = Object.entries(spec.properties).map(([name, raw]) => {
    const schema = raw as Described
    const optional = (raw as { '~optional'?: boolean })['~optional'] === true
    const dflt =
      schema.default !== undefined
        ? `\`${String(schema.default)}\``
        : isRequiredWhenDeployed(raw)
          ? `**required** (unset only with \`STAGE=${LOCAL_STAGE}\`)`
          : optional
            ? 'unset'
            : '**required**'
    const dev = devDefaults[name] !== undefined ? `\`${devDefaults[name]}\`` : ''
    return `| \`${name}\` | ${kind(schema)} | ${dflt} | ${dev} | ${schema.description ?? ''} |`
  })
  return [
    START,
    '| variable | type | default | dev default (`STAGE=local` only) | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n')
}

/** The README with its env table replaced (or appended under "## Configuration" when it has none). */
export function withEnvTable(readme: string, table: string): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start >= 0 && end > start) return readme.slice(0, start) + table + readme.slice(end + END.length)
  return `${readme.trimEnd()}\n\n## Configuration\n\n${table}\n`
}
