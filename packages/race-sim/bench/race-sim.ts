// Benchmark of the engine (not a test): single car, a full 20-car race (through simulateRace and
// the lap loop alone, strategy engineer off and on), Monte Carlo per run and a 10,000-run study on
// one core, a worker pool, memory; and, given a checkout, the reference simulator's race.
// Goals (issue: interactive strategy studies): a race's lap loop < 0.1 ms with the strategy engineer
// on, 10,000 Monte Carlo runs < 1 s on one core.
// Each figure is the median of several timings (this machine is shared: see the range beside it).
// With --baseline <dir> (another tree's race-sim source, e.g. the last commit's) it also times that
// tree's engine against this one in CPU time, alternately in this process (bench/baseline.ts).
// Usage: pnpm --filter ./packages/race-sim bench [track] [season] [--reference <race-simulation checkout> [--params <dir>]] [--baseline <dir>]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCliArgsOrExit, pathFromInvocation } from '@f1/service-kit/cli-args'
import type { RaceParams } from '../src/catalog/types.ts'
import { getRace } from '../src/catalog/catalog.ts'
import { runMonteCarlo } from '../src/monte-carlo/monte-carlo.ts'
import { compareWithBaseline } from './baseline.ts'
import { runMonteCarloInWorkers } from '../src/monte-carlo/workers.ts'
import { runRace } from '../src/race/engine.ts'
import { prepareRace, recordedEvents } from '../src/race/prepare.ts'
import { DEFAULT_STRATEGY_ENGINEER, type StrategyEngineer } from '../src/race/strategy-engineer.ts'
import { createWorkspace } from '../src/race/workspace.ts'
import { simulateRace, simulateSingleCar } from '../src/simulate.ts'

const { positionals, values } = parseCliArgsOrExit(
  process.argv.slice(2),
  { allowPositionals: true, options: { reference: { type: 'string' }, params: { type: 'string' }, repeat: { type: 'string' }, baseline: { type: 'string' } } },
  { program: 'race-sim bench' },
)
const race = getRace(positionals[0] ?? 'shanghai', Number(positionals[1] ?? 2019))
const driver = race.monteCarlo.refDriver
/** Timings per figure; the median is printed. */
const REPEAT = Number(values.repeat ?? 5)

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median over REPEAT timings of the mean time per call in ms (each over >= minMs of calls), and the range. */
function perCall(fn: () => void, minMs = 400): { median: number; min: number; max: number } {
  for (let i = 0; i < 200; i++) fn()
  const means: number[] = []
  for (let r = 0; r < REPEAT; r++) {
    let calls = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < minMs) {
      for (let i = 0; i < 50; i++) fn()
      calls += 50
      elapsed = performance.now() - start
    }
    means.push(elapsed / calls)
  }
  return { median: median(means), min: Math.min(...means), max: Math.max(...means) }
}

/** Median wall time in ms of REPEAT calls. */
function timed(fn: () => unknown, repeat = REPEAT): { median: number; min: number; max: number } {
  const times: number[] = []
  for (let r = 0; r < repeat; r++) {
    const start = performance.now()
    fn()
    times.push(performance.now() - start)
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`
const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(48)} ${value.padStart(12)}  ${note}`)
const ms = (t: { median: number; min: number; max: number }, digits = 3) =>
  [`${t.median.toFixed(digits)} ms`, `(${t.min.toFixed(digits)}-${t.max.toFixed(digits)})`] as const

console.log(`race-sim bench: ${race.trackId} ${race.season}, ${race.laps} laps, ${race.drivers.length} cars, Node ${process.version}, median of ${REPEAT}`)
const memStart = process.memoryUsage()

const single = perCall(() => simulateSingleCar(race, driver))
line('single car (simulateSingleCar)', `${(single.median * 1000).toFixed(2)} us`, 'goal < 20 us')

const full = perCall(() => simulateRace(race))
line('full race (simulateRace, with result)', ...ms(full))

/** The deterministic race's lap loop alone (compiled once): what a study repeats. */
function lapLoop(engineer: StrategyEngineer | null) {
  const prepared = prepareRace(race, undefined, null, engineer)
  const events = recordedEvents(prepared)
  const workspace = createWorkspace(prepared.setup)
  return perCall(() => runRace(prepared.setup, events.phases, events.retirements, workspace, null))
}
const loopOff = lapLoop(null)
line('full race lap loop, strategy engineer off', ...ms(loopOff))
const loopOn = lapLoop(DEFAULT_STRATEGY_ENGINEER)
const [loopOnValue, loopOnRange] = ms(loopOn)
line('full race lap loop, strategy engineer on', loopOnValue, `goal < 0.1 ms ${loopOnRange}`)

// Monte Carlo in this thread, the strategy engineer on (the default).
runMonteCarlo(race, { runs: 300, seed: 1 })
const perStudy = timed(() => runMonteCarlo(race, { runs: 1000, seed: 1 }))
line('Monte Carlo per run (1,000-run studies)', `${(perStudy.median / 1000).toFixed(3)} ms`, `goal < 0.1 ms (${(perStudy.min / 1000).toFixed(3)}-${(perStudy.max / 1000).toFixed(3)})`)
const big = timed(() => runMonteCarlo(race, { runs: 10_000, seed: 1 }), Math.min(REPEAT, 3))
line('Monte Carlo 10,000 runs (one core, in-process)', `${(big.median / 1000).toFixed(2)} s`, `goal < 1 s (${(big.min / 1000).toFixed(2)}-${(big.max / 1000).toFixed(2)})`)

const start = performance.now()
await runMonteCarloInWorkers(race, { runs: 1000, seed: 1 })
line('Monte Carlo 1,000 runs (new worker pool)', `${((performance.now() - start) / 1000).toFixed(3)} s`, 'incl. worker start-up')

const mem = process.memoryUsage()
line('memory: rss', mb(mem.rss), `(at start ${mb(memStart.rss)})`)
line('memory: heap used', mb(mem.heapUsed), `(at start ${mb(memStart.heapUsed)}, catalog loaded)`)
line('memory: one race workspace', `${(((race.laps + 1) * race.drivers.length * 20) / 1024).toFixed(1)} KB`, '(lap x driver arrays)')

if (values.baseline !== undefined) {
  // Rounds of both trees per figure; the speed-up is the median of the rounds' ratios.
  const rounds = Math.max(REPEAT, 7)
  console.log(`against the baseline ${values.baseline}: CPU time in this process, the trees alternating, median of ${rounds} rounds`)
  for (const f of await compareWithBaseline(pathFromInvocation(values.baseline), race, rounds)) {
    line(`  ${f.label}`, `${(f.baseline * 1000).toFixed(0)} -> ${(f.current * 1000).toFixed(0)} us`, `${f.speedUp.toFixed(2)}x faster (rounds ${f.speedUpMin.toFixed(2)}-${f.speedUpMax.toFixed(2)})`)
  }
}

if (values.reference === undefined) {
  line('reference (TUMFTM race-simulation, Python)', 'not measured', '(pass --reference)')
} else {
  const reference = referenceRaceMs(race, pathFromInvocation(values.reference), values.params === undefined ? undefined : pathFromInvocation(values.params))
  line('reference: deterministic race (Python)', `${reference.median.toFixed(1)} ms`, `(${reference.min.toFixed(1)}-${reference.max.toFixed(1)}, ${reference.runs} runs)`)
  line('  against our full race (simulateRace)', `${(reference.median / full.median).toFixed(0)}x`, `our lap loop with the engineer: ${(reference.median / loopOn.median).toFixed(0)}x`)
}

/**
 * Times the reference's deterministic race of `race` (its own pre-simulation and race, as
 * scripts/reference-races.py runs it and reports `wall_ms`) REPEAT times, one process each.
 * `params` defaults to the checkout's own parameter folder.
 */
function referenceRaceMs(race: RaceParams, reference: string, params?: string): { median: number; min: number; max: number; runs: number } {
  const folder = params ?? join(reference, 'racesim', 'input', 'parameters')
  if (!existsSync(join(folder, 'pars_mcs.ini'))) throw new Error(`no pars_mcs.ini in ${folder}: pass --params <folder of the parameter files>`)
  const file = readdirSync(folder).find((f) => f.toLowerCase() === `pars_${race.trackId}_${race.season}.ini`)
  if (file === undefined) throw new Error(`no parameter file for ${race.trackId} ${race.season} in ${folder}`)
  const name = file.slice('pars_'.length, -'.ini'.length)
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'reference-races.py')
  const dir = mkdtempSync(join(tmpdir(), 'race-sim-bench-'))
  const times: number[] = []
  try {
    for (let r = 0; r < REPEAT; r++) {
      const out = join(dir, 'ref.json')
      const run = spawnSync('python3', [script, '--reference', reference, '--params', folder, '--out', out, '--race', name], { encoding: 'utf8' })
      if (run.status !== 0) throw new Error(`reference-races.py failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`)
      const entry = (JSON.parse(readFileSync(out, 'utf8')) as Record<string, { status: string; wall_ms?: number; reason?: string }>)[name]
      if (entry?.wall_ms === undefined) throw new Error(`the reference did not run ${name}: ${entry?.status} ${entry?.reason ?? ''}`)
      times.push(entry.wall_ms)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), runs: times.length }
}
