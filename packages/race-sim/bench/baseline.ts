// The bench's `--baseline <dir>`: this tree's engine against another tree's (e.g. the last commit's),
// both loaded in this one process and timed in alternating blocks of CPU time, so the machine's load
// (it is shared) slows both alike and the ratio holds where wall times swing. The other tree is a
// race-sim `src` folder (or the package folder holding it) whose imports resolve, e.g.
//   mkdir /tmp/base && git -C <repo> archive HEAD packages/race-sim/src packages/race-sim/package.json | tar x -C /tmp/base
//   ln -s "$PWD/packages/race-sim/node_modules" /tmp/base/packages/race-sim/node_modules
//   pnpm --filter ./packages/race-sim bench --baseline /tmp/base/packages/race-sim
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { RaceParams } from '../src/catalog/types.ts'

/** What is timed, the same calls on either tree. */
interface Engine {
  loopOff: () => void
  loopOn: () => void
  monteCarlo: () => void
}

/** Runs in a Monte Carlo block (timed per run). */
const MC_RUNS = 200
/** Races in a lap-loop block. */
const LOOP_RACES = 400

/** The engine of the race-sim source folder `src`, set up on `race` (same track and season). */
async function loadEngine(src: string, race: RaceParams): Promise<Engine> {
  const load = (path: string) => import(pathToFileURL(join(src, path)).href)
  const [{ getRace }, { runRace }, { prepareRace, recordedEvents }, { DEFAULT_STRATEGY_ENGINEER }, { createWorkspace }, { runMonteCarlo }] = await Promise.all([
    load('catalog/catalog.ts'),
    load('race/engine.ts'),
    load('race/prepare.ts'),
    load('race/strategy-engineer.ts'),
    load('race/workspace.ts'),
    load('monte-carlo/monte-carlo.ts'),
  ])
  // Each tree's own catalog object, so neither runs on objects shaped by the other's code.
  const own = getRace(race.trackId, race.season)
  const loop = (engineer: unknown) => {
    const prepared = prepareRace(own, undefined, null, engineer)
    const events = recordedEvents(prepared)
    const workspace = createWorkspace(prepared.setup)
    return () => runRace(prepared.setup, events.phases, events.retirements, workspace, null)
  }
  return {
    loopOff: loop(null),
    loopOn: loop(DEFAULT_STRATEGY_ENGINEER),
    monteCarlo: () => runMonteCarlo(own, { runs: MC_RUNS, seed: 1 }),
  }
}

/** `dir` itself when it holds the engine, else its `src`. */
function sourceFolder(dir: string): string {
  if (existsSync(join(dir, 'race', 'engine.ts'))) return dir
  if (existsSync(join(dir, 'src', 'race', 'engine.ts'))) return join(dir, 'src')
  throw new Error(`no race-sim source in ${dir} (expected race/engine.ts or src/race/engine.ts)`)
}

export interface BaselineFigure {
  label: string
  /** Median CPU time per race (per run for Monte Carlo) over the rounds, in ms. */
  baseline: number
  current: number
  /** Median over the rounds of baseline / current (each round times both, one after the other, the order alternating). */
  speedUp: number
  speedUpMin: number
  speedUpMax: number
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Times this tree's engine against the one at `dir` on `race`, `rounds` alternating rounds per figure. */
export async function compareWithBaseline(dir: string, race: RaceParams, rounds: number): Promise<BaselineFigure[]> {
  const baseline = await loadEngine(sourceFolder(dir), race)
  const current = await loadEngine(join(dirname(fileURLToPath(import.meta.url)), '..', 'src'), race)
  const figures: [string, keyof Engine, number, number][] = [
    ['lap loop, strategy engineer off', 'loopOff', LOOP_RACES, 1],
    ['lap loop, strategy engineer on', 'loopOn', LOOP_RACES, 1],
    ['Monte Carlo per run', 'monteCarlo', 3, MC_RUNS],
  ]
  const block = (fn: () => void, calls: number): number => {
    const start = cpuMs()
    for (let i = 0; i < calls; i++) fn()
    return cpuMs() - start
  }
  // Warm both up first, so neither is timed while V8 still compiles it.
  for (const [, key, calls] of figures) {
    block(baseline[key], calls)
    block(current[key], calls)
  }
  return figures.map(([label, key, calls, perCall]) => {
    const base: number[] = []
    const ours: number[] = []
    for (let r = 0; r < rounds; r++) {
      const pair = r % 2 === 0 ? [baseline, current] : [current, baseline]
      for (const engine of pair) (engine === baseline ? base : ours).push(block(engine[key], calls) / (calls * perCall))
    }
    const ratios = base.map((b, i) => b / ours[i]!)
    return { label, baseline: median(base), current: median(ours), speedUp: median(ratios), speedUpMin: Math.min(...ratios), speedUpMax: Math.max(...ratios) }
  })
}
