import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const bin = fileURLToPath(new URL('../bin/race-sim.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'race-sim-cli-'))

function cli(command: string, request: unknown) {
  const file = join(dir, `${command}-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, JSON.stringify(request))
  // INIT_CWD is where pnpm was invoked; the CLI resolves the request path against it.
  const run = spawnSync(process.execPath, ['--import', 'tsx', bin, command, file.slice(dir.length + 1)], {
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: dir },
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

t.test('simulate prints the result JSON of a request on stdout', async (t) => {
  const run = cli('simulate', { track_id: 'China', season: 2019, driver: 'HAM', mode: 'single' })
  t.equal(run.status, 0)
  t.equal(JSON.parse(run.stdout).race_time, 5447.822)
})

t.test('a bad request prints the typed error on stderr and exits non-zero', async (t) => {
  const run = cli('simulate', { track_id: 'shanghai', season: 2019, driver: 'HAM', mode: 'single', strategy: { stints: [{ start_lap: 4, compound: 'A4', tire_age: 0, refuel_kg: 0 }] } })
  t.equal(run.status, 1)
  t.equal(run.stdout, '')
  t.equal(JSON.parse(run.stderr).error.code, 'FIRST_STINT_NOT_AT_START')
})

t.test('optimize prints the fastest strategies', async (t) => {
  const run = cli('optimize', { track_id: 'shanghai', season: 2019, driver: 'HAM' })
  t.equal(run.status, 0)
  t.equal(JSON.parse(run.stdout).strategies.length, 3)
})
