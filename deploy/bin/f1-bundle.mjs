#!/usr/bin/env node
// `f1-bundle <entry.ts>...`: an app's `build`. Plain JavaScript on purpose: a build must not need the
// TypeScript loader it replaces.
import { bundleApp } from '../src/bundle.mjs'

const entries = process.argv.slice(2).filter((arg) => arg !== '--')
if (entries.length === 0) {
  process.stderr.write('Usage: f1-bundle <entry.ts>... (run in an app folder; writes dist/<entry name>.js)\n')
  process.exit(2)
}
try {
  await bundleApp(process.cwd(), entries)
} catch (err) {
  process.stderr.write(`f1-bundle: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
