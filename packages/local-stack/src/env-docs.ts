// Keeps each app's README env table equal to its config schema (`pnpm docs:env` writes them).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { renderEnvTable, withEnvTable } from '@f1/service-kit/config-docs'
import type { ConfigSpec } from '@f1/service-kit/config'
import { APPS } from './apps.ts'

export interface EnvDocResult {
  app: string
  readme: string
  upToDate: boolean
}

function isSpec(value: unknown): value is ConfigSpec<never> {
  return typeof value === 'object' && value !== null && 'properties' in value && 'devDefaults' in value && 'load' in value
}

/** Every app's config spec, by app name (the exported `defineConfig` value of its src/config.ts). */
export async function appConfigSpecs(root: string): Promise<Array<{ app: string; dir: string; spec: ConfigSpec<never> }>> {
  const specs = []
  for (const app of APPS) {
    const configFile = join(root, app.dir, 'src', 'config.ts')
    if (!existsSync(configFile)) continue
    const module = (await import(pathToFileURL(configFile).href)) as Record<string, unknown>
    const spec = Object.values(module).find(isSpec)
    if (spec) specs.push({ app: app.name, dir: join(root, app.dir), spec })
  }
  return specs
}

/** For every app with a config spec: whether its README's table is current; `write` updates stale ones. */
export async function syncEnvDocs(root: string, options: { write: boolean }): Promise<EnvDocResult[]> {
  const results: EnvDocResult[] = []
  for (const { app, dir, spec } of await appConfigSpecs(root)) {
    const readme = join(dir, 'README.md')
    const current = existsSync(readme) ? readFileSync(readme, 'utf8') : `# ${app}\n`
    const next = withEnvTable(current, renderEnvTable(spec))
    const upToDate = next === current
    if (!upToDate && options.write) writeFileSync(readme, next)
    results.push({ app, readme, upToDate })
  }
  return results
}
