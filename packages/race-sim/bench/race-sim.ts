// Benchmark of the engine (not a test): single-car, full 20-car race and a 1,000-run Monte Carlo,
// each through the public functions (validation and result building included), plus memory.
// Goals (issue 5): single-car < 20 us, full race < 0.5 ms, 1,000 Monte Carlo runs < 1 s on one core.
// Usage: pnpm --filter ./packages/race-sim bench [track] [season]
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { getRace } from '../src/catalog/catalog.ts'
import { runMonteCarlo } from '../src/monte-carlo/monte-carlo.ts'
import { runMonteCarloInWorkers } from '../src/monte-carlo/workers.ts'
import { runRace } from '../src/race/engine.ts'
import { prepareRace, recordedEvents } from '../src/race/prepare.ts'
import { createWorkspace } from '../src/race/workspace.ts'
import { simulateRace, simulateSingleCar } from '../src/simulate.ts'

const { positionals } = parseCliArgsOrExit(process.argv.slice(2), { allowPositionals: true }, { program: 'race-sim bench' })
const race = getRace(positionals[0] ?? 'shanghai', Number(positionals[1] ?? 2019))
const driver = race.monteCarlo.refDriver

/** Mean time per call in microseconds after a warm-up, over at least `minMs` of calls. */
function perCall(fn: () => void, minMs = 1000): number {
  for (let i = 0; i < 200; i++) fn()
  let calls = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) fn()
    calls += 100
    elapsed = performance.now() - start
  }
  return (elapsed * 1000) / calls
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`
const line = (label: string, value: string, goal = '') => console.log(`${label.padEnd(44)} ${value.padStart(12)}  ${goal}`)

console.log(`race-sim bench: ${race.trackId} ${race.season}, ${race.laps} laps, ${race.drivers.length} cars, Node ${process.version}`)
const memStart = process.memoryUsage()

line('single-car (simulateSingleCar)', `${perCall(() => simulateSingleCar(race, driver)).toFixed(2)} us`, 'goal < 20 us')

line('full race (simulateRace, with result)', `${(perCall(() => simulateRace(race)) / 1000).toFixed(3)} ms`, 'goal < 0.5 ms')

const prepared = prepareRace(race)
const events = recordedEvents(prepared)
const workspace = createWorkspace(prepared.setup)
line(
  'full race (lap loop only, compiled once)',
  `${(perCall(() => runRace(prepared.setup, events.phases, events.retirements, workspace, null)) / 1000).toFixed(3)} ms`,
)

runMonteCarlo(race, { runs: 100, seed: 1 })
let start = performance.now()
runMonteCarlo(race, { runs: 1000, seed: 1 })
line('Monte Carlo 1,000 runs (one core, in-process)', `${((performance.now() - start) / 1000).toFixed(3)} s`, 'goal < 1 s')

start = performance.now()
await runMonteCarloInWorkers(race, { runs: 1000, seed: 1 })
line('Monte Carlo 1,000 runs (new worker pool)', `${((performance.now() - start) / 1000).toFixed(3)} s`, 'incl. worker start-up')

const mem = process.memoryUsage()
line('memory: rss', mb(mem.rss), `(at start ${mb(memStart.rss)})`)
line('memory: heap used', mb(mem.heapUsed), `(at start ${mb(memStart.heapUsed)}, catalog loaded)`)
line('memory: one race workspace', `${(((prepared.setup.laps + 1) * prepared.setup.n * 20) / 1024).toFixed(1)} KB`, '(lap x driver arrays)')
