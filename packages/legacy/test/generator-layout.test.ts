import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import * as sharedRandom from '@f1/race-sim/random'
import { createRng, seedWord } from '@f1/legacy/generator'

const SRC = new URL('../src/', import.meta.url)

t.test('only the generator export reaches the generator modules: the transforms never import them', async (t) => {
  const transforms = readdirSync(SRC).filter((name) => name.endsWith('.ts'))
  const importers = transforms.filter((name) => /from '\.\/generator[/']/.test(readFileSync(new URL(name, SRC), 'utf8')))
  t.strictSame(importers, [])
  const { exports } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string> }
  const intoGenerator = Object.entries(exports).filter(([, target]) => target.startsWith('./src/generator/'))
  t.strictSame(intoGenerator, [['./generator', './src/generator/index.ts']])
})

t.test("the generator draws from the project's one seeded PRNG, race-sim's", async (t) => {
  t.equal(createRng, sharedRandom.createRng)
  t.equal(seedWord, sharedRandom.seedWord)
  const generatorFiles = readdirSync(new URL('generator/', SRC))
  const ownPrng = generatorFiles.filter((name) =>
    /function createRng|Math\.random/.test(readFileSync(new URL(`generator/${name}`, SRC), 'utf8')),
  )
  t.strictSame(ownPrng, [], 'no generator module defines a PRNG of its own')
})
