import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'

const SRC = new URL('../src/', import.meta.url)

t.test('only the generator export reaches the generator modules: the transforms never import them', async (t) => {
  const transforms = readdirSync(SRC).filter((name) => name.endsWith('.ts'))
  const importers = transforms.filter((name) => /from '\.\/generator[/']/.test(readFileSync(new URL(name, SRC), 'utf8')))
  t.strictSame(importers, [])
  const { exports } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string> }
  const intoGenerator = Object.entries(exports).filter(([, target]) => target.startsWith('./src/generator/'))
  t.strictSame(intoGenerator, [['./generator', './src/generator/index.ts']])
})
