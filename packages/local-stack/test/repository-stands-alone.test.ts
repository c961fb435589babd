// The repository is read alone: its docs and code must never send a reader (or a default path)
// to a file outside it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'

const root = resolve(import.meta.dirname, '..', '..', '..')
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.turbo', '.tap', '.local', 'cdk.out', 'dist', 'coverage'])
const TEXT = /\.(ts|mts|mjs|js|json|md|yaml|yml|sh|jq)$/

function* textFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* textFiles(join(dir, entry.name))
    } else if (TEXT.test(entry.name) && entry.name !== 'pnpm-lock.yaml') yield join(dir, entry.name)
  }
}

// The reference material that sat next to the repository while it was built, by its file names.
const OUTSIDE_NAMES = /\.\.\/shared\b|\b(ARCHITECTURE|LEGACY|TOOLCHAIN|STYLE)\.md\b|racesim-params\//
// A Markdown link's target: [text](target) or [text]: target
const MARKDOWN_LINK = /\]\(([^)\s]+)[^)]*\)|^\[[^\]]+\]:\s*(\S+)/gm

t.test('no file names the reference material that lived outside the repository', async (t) => {
  const hits: string[] = []
  for (const file of textFiles(root)) {
    if (file === import.meta.filename) continue
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE_NAMES.test(line)) hits.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`)
      })
  }
  t.same(hits, [])
})

t.test('every relative link of the Markdown files stays inside the repository', async (t) => {
  const outside: string[] = []
  for (const file of textFiles(root)) {
    if (!file.endsWith('.md')) continue
    for (const match of readFileSync(file, 'utf8').matchAll(MARKDOWN_LINK)) {
      const target = (match[1] ?? match[2] ?? '').split('#')[0] ?? ''
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const resolved = resolve(dirname(file), target)
      if (relative(root, resolved).startsWith('..')) outside.push(`${relative(root, file)} -> ${target}`)
    }
  }
  t.same(outside, [])
})
