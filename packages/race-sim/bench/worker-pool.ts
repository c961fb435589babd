// Benchmark (not a test): the Monte Carlo pool on piscina against its former hand-written thread
// management (hand-written-pool.ts), both under the same scheduler, with the same worker count, on
// the same studies: `--studies` studies of 100-400 runs (seeded), handed to each pool
// `--concurrent` at a time, in rounds that alternate between the pools so that load from elsewhere
// on the machine falls on both. Workers are started before timing.
// Usage (in packages/race-sim): node --import tsx bench/worker-pool.ts [--workers N] [--studies N] [--concurrent N] [--rounds N]
import { isDeepStrictEqual } from 'node:util'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { getRace } from '../src/catalog/catalog.ts'
import { createMonteCarloPool, defaultWorkerCount, type MonteCarloPool } from '../src/monte-carlo/workers.ts'
import { createHandWrittenPool } from './hand-written-pool.ts'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  { options: { workers: { type: 'string' }, studies: { type: 'string' }, concurrent: { type: 'string' }, rounds: { type: 'string' } } },
  { program: 'bench/worker-pool.ts' },
)
const workers = Number(values.workers ?? defaultWorkerCount())
const studyCount = Number(values.studies ?? 200)
const concurrent = Number(values.concurrent ?? 4)
const rounds = Number(values.rounds ?? 3)

const race = getRace('shanghai', 2019)
/** The same studies for both pools: 100-400 runs each, spread evenly. */
const studies = Array.from({ length: studyCount }, (_, i) => ({ runs: 100 + ((i * 157) % 301), seed: i + 1 }))
const totalRuns = studies.reduce((sum, s) => sum + s.runs, 0)

/**
 * Runs every study, `concurrent` at a time: the wall time, and the CPU time of the whole process
 * (all its threads), which load from elsewhere on the machine hardly changes; both in ms.
 */
async function timeStudies(pool: MonteCarloPool): Promise<{ wall: number; cpu: number }> {
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  let next = 0
  const lane = async () => {
    while (next < studies.length) await pool.run(race, studies[next++]!)
  }
  await Promise.all(Array.from({ length: concurrent }, lane))
  const cpu = process.cpuUsage(cpuStart)
  return { wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const pools = { 'hand-written': createHandWrittenPool(workers), piscina: createMonteCarloPool(workers) }
// Start every worker and check both give the same result.
const warm = await Promise.all(Object.values(pools).map((pool) => Promise.all(Array.from({ length: workers }, () => pool.run(race, { runs: 100, seed: 7 })))))
if (!isDeepStrictEqual(warm[0]![0], warm[1]![0])) throw new Error('the two pools disagree on the same study')

console.log(`${studyCount} studies, ${totalRuns} runs, ${concurrent} at a time, ${workers} worker(s) each, ${rounds} rounds, Node ${process.version}`)
const times: Record<keyof typeof pools, { wall: number; cpu: number }[]> = { 'hand-written': [], piscina: [] }
for (let round = 0; round < rounds; round++) {
  // Alternate which pool goes first, so neither always runs on a warmer or quieter machine.
  const order: (keyof typeof pools)[] = round % 2 === 0 ? ['hand-written', 'piscina'] : ['piscina', 'hand-written']
  for (const name of order) times[name].push(await timeStudies(pools[name]))
}
await Promise.all(Object.values(pools).map((pool) => pool.close()))

const seconds = (ms: number) => (ms / 1000).toFixed(2)
for (const [name, results] of Object.entries(times)) {
  const wall = results.map((r) => r.wall)
  const cpu = results.map((r) => r.cpu)
  console.log(
    `${name.padEnd(14)} wall median ${seconds(median(wall))} s (${wall.map(seconds).join(', ')}), ${((totalRuns / median(wall)) * 1000).toFixed(0)} runs/s;` +
      ` CPU median ${seconds(median(cpu))} s (${cpu.map(seconds).join(', ')})`,
  )
}
// Each round's pair ran back to back, so its ratio is the least disturbed by load that comes and goes.
for (const measure of ['wall', 'cpu'] as const) {
  const ratios = times.piscina.map((r, i) => r[measure] / times['hand-written'][i]![measure])
  console.log(`piscina / hand-written ${measure} time: ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(', ')}; below 1 is faster)`)
}
