import t from 'tap'
import { prodGuardProblems, readmeWithEnvTable } from '@f1/service-kit/config-checks'
import { simulationConfigSpec } from '../src/config.ts'

t.test('the README env table is the config schema (`pnpm docs:env` rewrites it)', async (t) => {
  const { current, next } = readmeWithEnvTable(simulationConfigSpec, new URL('../README.md', import.meta.url))
  t.equal(current, next)
})

t.test('a deployed stage refuses every dev secret and token and a missing service token, naming each', async (t) => {
  t.same(prodGuardProblems(simulationConfigSpec), [])
})
