import t from 'tap'
import { syncEnvDocs } from '../src/env-docs.ts'
import { repoRoot } from '../src/cli/paths.ts'

t.test('every app README documents exactly the env vars of its config schema (run `pnpm docs:env` after a change)', async (t) => {
  const results = await syncEnvDocs(repoRoot(), { write: false })
  t.ok(results.length >= 4, `${results.length} apps checked`)
  for (const result of results) t.ok(result.upToDate, `${result.app}: ${result.readme}`)
})
