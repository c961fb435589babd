// `f1-env-docs`: an app hands over its config module and README; the README's env table is
// rewritten from the schema (or, with --check, only compared). Each app's `docs:env` script runs it.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseCliArgsOrExit, UsageError, reportUsageError } from './cli-args.ts'
import type { ConfigSpec } from './config.ts'
import { readmeWithEnvTable } from './config-checks.ts'

const USAGE = `Usage: f1-env-docs [--check] <config module> [README]

Writes the env table of README (default README.md) from the config spec the module exports
(the value of defineConfig). --check only reports a stale table, with exit code 1.
`

function isSpec(value: unknown): value is ConfigSpec<never> {
  return typeof value === 'object' && value !== null && 'properties' in value && 'devDefaults' in value && 'load' in value
}

const { values, positionals } = parseCliArgsOrExit(
  process.argv.slice(2),
  { options: { check: { type: 'boolean' } }, allowPositionals: true },
  { program: 'f1-env-docs', usage: USAGE },
)
const [configModule, readme = 'README.md', ...extra] = positionals
try {
  if (!configModule || extra.length > 0) throw new UsageError('give one config module and at most one README')
  const module = (await import(pathToFileURL(resolve(configModule)).href)) as Record<string, unknown>
  const specs = Object.values(module).filter(isSpec)
  if (specs.length !== 1) throw new UsageError(`${configModule} exports ${specs.length} config specs (defineConfig values); expected one`)
  const { current, next } = readmeWithEnvTable(specs[0]!, resolve(readme))
  if (next === current) console.log(`up to date  ${readme}`)
  else if (values.check) {
    console.log(`STALE       ${readme} (run \`pnpm docs:env\`)`)
    process.exitCode = 1
  } else {
    writeFileSync(resolve(readme), next)
    console.log(`written     ${readme}`)
  }
} catch (err) {
  process.exitCode = reportUsageError(err, 'f1-env-docs', process.stderr, USAGE)
}
