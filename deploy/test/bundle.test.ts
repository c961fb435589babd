import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { bundleApp } from '../src/bundle.mjs'

/** An app folder inside this package, so its workspace imports resolve as an app's do. */
function fixtureApp(t: { teardown(fn: () => void): void }, dependencies: Record<string, string>, source: string): string {
  // Under .tap (ignored by git and lint): a fixture a killed run leaves behind is never committed or linted.
  mkdirSync(join(import.meta.dirname, '..', '.tap'), { recursive: true })
  const dir = mkdtempSync(join(import.meta.dirname, '..', '.tap', 'fixture-app-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'src'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@f1/usage-service', type: 'module', dependencies }))
  writeFileSync(join(dir, 'src', 'server.ts'), source)
  return dir
}

const SOURCE = "import Fastify from 'fastify'\nimport { portVar } from '@f1/contracts/services'\nconsole.log(portVar('gateway'), Fastify)\n"

t.test("an app's build fails naming an npm package its bundle imports that its dependencies lack", async (t) => {
  const dir = fixtureApp(t, {}, SOURCE)
  await t.rejects(bundleApp(dir, ['src/server.ts']), /imported by the bundle but not in dependencies: fastify$/)
})

t.test("an app's build fails naming a dependency its bundle never imports", async (t) => {
  const dir = fixtureApp(t, { fastify: '5.12.8', 'left-pad': '1.3.0' }, SOURCE)
  await t.rejects(bundleApp(dir, ['src/server.ts']), /in dependencies but not imported by the bundle: left-pad /)
})

t.test('workspace packages are bundled and npm packages stay imports, with the health probe and source maps beside', async (t) => {
  const dir = fixtureApp(t, { fastify: '5.12.8' }, SOURCE)
  await bundleApp(dir, ['src/server.ts'])
  t.same(readdirSync(join(dir, 'dist')).sort(), ['healthcheck.js', 'healthcheck.js.map', 'server.js', 'server.js.map'])
})
