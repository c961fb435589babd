import t from 'tap'
import { getRace } from '../src/catalog/catalog.ts'
import { runMonteCarlo } from '../src/monte-carlo/monte-carlo.ts'
import { createMonteCarloPool } from '../src/monte-carlo/workers.ts'

const shanghai = getRace('shanghai', 2019)

t.test('a study tells its progress listener after each chunk, up to its runs, and its result is unchanged', async (t) => {
  const pool = createMonteCarloPool(2)
  t.teardown(() => pool.close())
  const told: Array<[number, number]> = []
  const result = await pool.run(shanghai, { runs: 350, seed: 9 }, undefined, (done, total) => told.push([done, total]))
  t.same(result, runMonteCarlo(shanghai, { runs: 350, seed: 9 }))
  t.equal(told.length, 4, 'one call per chunk of 100 runs')
  t.same(told.at(-1), [350, 350])
  t.ok(told.every(([done], i) => i === 0 || done > told[i - 1]![0]), 'runs done only grow')
})

t.test('a listener that throws does not fail its study', async (t) => {
  const pool = createMonteCarloPool(1)
  t.teardown(() => pool.close())
  const result = await pool.run(shanghai, { runs: 150, seed: 3 }, undefined, () => {
    throw new Error('listener bug')
  })
  t.equal(result.runs, 150)
})
