// bench: simulations/s through simulation-service (HTTP, validation, the engine, one PutItem of the
// result, an event) next to calling the engine in-process, in one run, for each mode.
//   pnpm --filter @f1/simulation-service bench [-- --seconds 5 --concurrency 8 --runs 200 --endpoint http://127.0.0.1:8000]
// Without --endpoint (or DYNAMODB_ENDPOINT) it starts a DynamoDB Local of its own. Not a test.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'
import { freePort, startDynamoDbLocal } from '@f1/local-stack/dynamodb'
import { runSimulation } from '@f1/race-sim/simulate'
import { createMonteCarloPool, defaultWorkerCount, simulateWithPool } from '@f1/race-sim/workers'
import { createDynamoClients } from '@f1/tables/client'
import { deleteTables, ensureTables } from '@f1/tables/create'
import { serviceTokenEnv } from '@f1/service-kit/testing'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  {
    options: {
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      runs: { type: 'string', default: '200' },
      endpoint: { type: 'string' },
    },
  },
  { program: 'simulation-service bench' },
)
const seconds = Number(values.seconds)
const concurrency = Number(values.concurrency)
const mcRuns = Number(values.runs)
const TOKEN = 'bench-service-token-0123456789'
const TABLE = `bench-simulations-${randomBytes(3).toString('hex')}`

interface Figures {
  ops: number
  perSecond: number
  p50ms: number
  errors: number
}

/** Closed loop: `workers` callers each run `op` back to back for `seconds`. */
async function closedLoop(op: (i: number) => Promise<boolean>, workers: number, forSeconds: number): Promise<Figures> {
  const latencies: number[] = []
  let errors = 0
  let next = 0
  const started = performance.now()
  const deadline = started + forSeconds * 1000
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now()
        const ok = await op(next++).catch(() => false)
        latencies.push(performance.now() - t0)
        if (!ok) errors += 1
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  const elapsed = (performance.now() - started) / 1000
  return { ops: latencies.length, perSecond: latencies.length / elapsed, p50ms: latencies[Math.floor(latencies.length / 2)] ?? 0, errors }
}

const row = (label: string, f: Figures) =>
  `  ${label.padEnd(44)} ${f.perSecond.toFixed(1).padStart(10)} sims/s   p50 ${f.p50ms.toFixed(2).padStart(8)} ms   (${f.ops} sims, ${f.errors} errors)`

const strategy = {
  stints: [
    { start_lap: 0, compound: 'A4', tire_age: 2, refuel_kg: 0 },
    { start_lap: 19, compound: 'A3', tire_age: 0, refuel_kg: 0 },
    { start_lap: 35, compound: 'A4', tire_age: 0, refuel_kg: 0 },
  ],
}
const request = (mode: 'single' | 'race' | 'monte_carlo', i: number) => ({
  track_id: 'shanghai',
  season: 2019,
  driver: 'HAM',
  mode,
  strategy,
  ...(mode === 'monte_carlo' ? { runs: mcRuns, seed: i } : {}),
})

const endpointArg = values.endpoint ?? process.env.DYNAMODB_ENDPOINT
const ddb = endpointArg ? undefined : await startDynamoDbLocal()
const endpoint = endpointArg ?? ddb!.endpoint
const { client } = createDynamoClients({ region: 'us-east-1', endpoint })
await ensureTables(client, { simulations: TABLE })

const workers = defaultWorkerCount()
const port = await freePort()
const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: join(import.meta.dirname, '..'),
  env: {
    ...process.env,
    DYNAMODB_ENDPOINT: endpoint,
    SIMULATION_RESULTS_TABLE: TABLE,
    SIMULATION_SERVICE_PORT: String(port),
    SIMULATION_WORKERS: String(workers),
    ...serviceTokenEnv('simulation-service', TOKEN),
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const url = `http://127.0.0.1:${port}`
for (let i = 0; i < 100; i++) {
  const ready = await fetch(`${url}/ready`).then(
    (r) => r.ok,
    () => false,
  )
  if (ready) break
  await new Promise((r) => setTimeout(r, 100))
}

const viaService = (mode: 'single' | 'race' | 'monte_carlo') => async (i: number) => {
  const res = await fetch(`${url}/users/bench-${i % 50}/simulations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-service-token': TOKEN },
    body: JSON.stringify(request(mode, i)),
  })
  await res.arrayBuffer()

  return res.status === 201
}
// The engine as a library user calls it: synchronous single and race; Monte Carlo on a pool of the service's size.
const pool = createMonteCarloPool(workers)
const inProcess = (mode: 'single' | 'race' | 'monte_carlo') => async (i: number) => {
  if (mode === 'monte_carlo') await simulateWithPool(pool, request(mode, i))
  else runSimulation(request(mode, i))
  return true
}

console.log(
  `simulation-service bench: Shanghai 2019, HAM on a 2-stop; ${concurrency} HTTP requests in flight; ${seconds} s per measure; ` +
    `Monte Carlo ${mcRuns} runs; ${workers} worker thread(s) on ${availableParallelism()} cores; ` +
    `results compressed above ${process.env.SIMULATION_COMPRESS_ABOVE_BYTES ?? 'the default'} bytes; Node ${process.version}\n`,
)
const summary: string[] = []
for (const mode of ['single', 'race', 'monte_carlo'] as const) {
  // Warm-ups (JIT, workers, DynamoDB Local) so that neither side pays for them in the measure.
  await closedLoop(inProcess(mode), mode === 'monte_carlo' ? concurrency : 1, 1)
  const engine = await closedLoop(inProcess(mode), mode === 'monte_carlo' ? concurrency : 1, seconds)
  await closedLoop(viaService(mode), concurrency, 1)
  const service = await closedLoop(viaService(mode), concurrency, seconds)
  console.log(`${mode}`)
  console.log(
    row(
      mode === 'monte_carlo' ? `engine in-process (worker pool, ${concurrency} in flight)` : 'engine in-process (one call at a time)',
      engine,
    ),
  )
  console.log(row('POST /users/:id/simulations (HTTP + store)', service))
  summary.push(
    `${mode.padEnd(12)} service / engine = ${(service.perSecond / engine.perSecond).toFixed(4)}  (${service.perSecond.toFixed(1)} vs ${engine.perSecond.toFixed(1)} sims/s)`,
  )
}
console.log(`\n${summary.join('\n')}`)
console.log('(one machine: the load generator, the service, its workers and DynamoDB Local share the cores)')

await pool.close()
service.kill('SIGTERM')
await new Promise((r) => service.once('exit', r))
await deleteTables(client, { simulations: TABLE })
client.destroy()
await ddb?.stop()
