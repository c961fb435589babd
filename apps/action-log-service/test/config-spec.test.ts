import t from 'tap'
import { prodGuardProblems, readmeWithEnvTable } from '@f1/service-kit/config-checks'
import { actionLogConfigSpec } from '../src/config.ts'

t.test('the README env table is the config schema (`pnpm docs:env` rewrites it)', async (t) => {
  const { current, next } = readmeWithEnvTable(actionLogConfigSpec, new URL('../README.md', import.meta.url))
  t.equal(current, next)
})

t.test('with STAGE=prod the app refuses every dev secret and a missing SERVICE_TOKEN, naming each', async (t) => {
  t.same(prodGuardProblems(actionLogConfigSpec), [])
})
