import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { repoRoot } from '../src/cli/paths.ts'
import { prepareArgs } from '../src/cli/test-run.ts'

/** The tasks turbo would run for these arguments (a dry run: nothing is built). */
function plannedTasks(args: string[]): string[] {
  const out = execFileSync('turbo', [...args, '--dry=json'], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  })
  return (JSON.parse(out) as { tasks: Array<{ taskId: string }> }).tasks.map((task) => task.taskId)
}

t.test('a whole run type-checks, builds and lints every package before any test', async (t) => {
  const root = repoRoot()
  const packages = ['apps', 'packages'].flatMap((dir) => readdirSync(join(root, dir)).map((name) => `${dir}/${name}`))
  const tasks = plannedTasks(prepareArgs([]))
  t.ok(packages.length > 10)
  // Every app and package lints; the fault suite is in the run too.
  t.equal(
    tasks.filter((id) => id.endsWith('#lint')).length >= packages.length,
    true,
    `lint tasks: ${tasks.filter((id) => id.endsWith('#lint')).join(', ')}`,
  )
  t.ok(tasks.includes('@f1/faults#lint') && tasks.includes('@f1/faults#check-types'))
  t.ok(tasks.includes('@f1/gateway#check-types') && tasks.includes('@f1/gateway#build'))
})

t.test("a run filtered to one package type-checks and lints only that package's tasks and what it builds on", async (t) => {
  const tasks = plannedTasks(prepareArgs(['--filter=@f1/plans']))
  t.ok(tasks.includes('@f1/plans#lint'))
  t.notOk(tasks.includes('@f1/gateway#lint'))
})
