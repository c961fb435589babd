// An app's production build: each entry bundled with every @f1/* workspace package it reaches (they
// export TypeScript sources, which nothing runs in production), every npm package left external (so
// `pnpm deploy --prod` installs exactly the app's `dependencies`), source maps beside the code.
import { readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { extname, join, relative } from 'node:path'
import { build } from 'esbuild'

const WORKSPACE_SCOPE = '@f1/'

// Images run Node 22, these machines Node 20: code for the older runs on both.
const TARGET = 'node20'

// The Monte Carlo pool's worker threads load their code from a file of its own. A bundle that holds
// the pool gets that file beside it, under the name the pool looks for when it runs from a bundle
// (packages/race-sim/src/monte-carlo/workers.ts: BUILT_WORKER_FILE).
const WORKER_FILES = [
  { whenBundled: 'packages/race-sim/src/monte-carlo/workers.ts', entry: '@f1/race-sim/worker', name: 'monte-carlo-worker' },
]

// Every app's image probes /health with `node dist/healthcheck.js` (slim images have no curl).
const healthcheckEntry = (service) => ({
  contents: `import { probeHealth } from '@f1/service-kit/healthcheck'\nprocess.exitCode = await probeHealth(${JSON.stringify(service)})\n`,
  sourcefile: 'healthcheck.ts',
  loader: 'ts',
})

/** `@aws-sdk/lib-dynamodb/x` -> `@aws-sdk/lib-dynamodb`; `fastify` -> `fastify`. */
export function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** npm packages stay imports of the bundle; workspace packages and relative files are bundled. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith(WORKSPACE_SCOPE) || args.path.startsWith('node:')) return undefined
      return { path: args.path, external: true }
    })
  },
}

function options(appDir, outdir) {
  return {
    absWorkingDir: appDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    outdir,
    // Code an entry imports dynamically (the migrator CLI sets up its environment first) stays a
    // chunk loaded then, as it is from the sources; entries share the rest as chunks too. Chunks sit
    // beside the entries: code that finds files next to itself (the worker pool) finds the same ones.
    splitting: true,
    chunkNames: '[name]-[hash]',
    // Stack traces name the TypeScript files and lines (`node --enable-source-maps`); the sources
    // themselves stay out of the image.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [externalNpmPackages],
  }
}

/** The npm packages a build's output imports. */
function importedPackages(metafile) {
  const names = new Set()
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !isNodeBuiltin(imported.path)) names.add(packageName(imported.path))
    }
  }
  return names
}

const NODE_BUILTINS = new Set(builtinModules)
const isNodeBuiltin = (specifier) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0])

/**
 * A production install has the app's `dependencies` and nothing else, so they must be exactly the
 * npm packages the bundle imports: one missing fails at run time in the image, one extra bloats it.
 */
function checkDependencies(manifest, imported) {
  const declared = new Set(Object.keys(manifest.dependencies ?? {}))
  const missing = [...imported].filter((name) => !declared.has(name)).sort()
  const unused = [...declared].filter((name) => !imported.has(name)).sort()
  const problems = []
  if (missing.length > 0) problems.push(`imported by the bundle but not in dependencies: ${missing.join(', ')}`)
  if (unused.length > 0)
    problems.push(`in dependencies but not imported by the bundle: ${unused.join(', ')} (move them to devDependencies)`)
  if (problems.length > 0) throw new Error(`${manifest.name}'s package.json: ${problems.join('; ')}`)
}

/** `src/server.ts` -> `server` (dist/server.js), `bin/migrator.ts` -> `bin/migrator` (dist/bin/migrator.js). */
const outName = (entry) => entry.replace(/^(\.\/)?src\//, '').slice(0, -extname(entry).length)

/** Bundles `entries` (paths in `appDir`) into `appDir/dist`, plus the files every app's image needs. */
export async function bundleApp(appDir, entries) {
  const outdir = join(appDir, 'dist')
  rmSync(outdir, { recursive: true, force: true })
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'))
  const service = manifest.name.slice(WORKSPACE_SCOPE.length)
  const main = await build({
    ...options(appDir, outdir),
    entryPoints: entries.map((file) => ({ in: file, out: outName(file) })),
  })
  const imported = importedPackages(main.metafile)
  const bundled = new Set(Object.keys(main.metafile.inputs).map((input) => relative(join(appDir, '..', '..'), join(appDir, input))))
  for (const worker of WORKER_FILES) {
    if (!bundled.has(worker.whenBundled)) continue
    const built = await build({ ...options(appDir, outdir), entryPoints: [{ in: worker.entry, out: worker.name }] })
    for (const name of importedPackages(built.metafile)) imported.add(name)
  }
  const probe = await build({
    ...options(appDir, outdir),
    splitting: false,
    stdin: { ...healthcheckEntry(service), resolveDir: appDir },
    outdir: undefined,
    outfile: join(outdir, 'healthcheck.js'),
  })
  for (const name of importedPackages(probe.metafile)) imported.add(name)
  checkDependencies(manifest, imported)
}
