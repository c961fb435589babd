// bench: the time Fastify takes to serialize a simulation (GET /simulations/:id, and the gateway's
// /api/simulations/:id, which serializes it again) by SimulationSchema, whose results are typed,
// next to SimulationWireSchema (results `unknown`, as SimulationSchema had them before; what the
// routes write with), in one run: a race with lap_detail, a 20-driver Monte Carlo study, a single
// car and a legacy row.
//   pnpm --filter @f1/simulation-service bench:serialize [-- --rounds 7 --ms 400]
// Every serializer's output is checked to parse back to what JSON.stringify gives. Not a test.
import { isDeepStrictEqual } from 'node:util'
import Fastify from 'fastify'
import type { SimulationResults } from '@f1/contracts/simulation-results'
import { SimulationSchema, SimulationWireSchema } from '@f1/contracts/simulations'
import { runSimulation } from '@f1/race-sim/simulate'
import { parseCliArgsOrExit } from '@f1/service-kit/cli-args'

const { values } = parseCliArgsOrExit(
  process.argv.slice(2),
  { options: { rounds: { type: 'string', default: '7' }, ms: { type: 'string', default: '400' } } },
  { program: 'simulation-service bench:serialize' },
)
const rounds = Number(values.rounds)
const roundMs = Number(values.ms)

type Serialize = (payload: unknown) => string

/** The serializers Fastify compiles for these response schemas, as its routes use them. */
async function compile(schemas: Record<string, object>): Promise<Record<string, Serialize>> {
  const app = Fastify()
  const out: Record<string, Serialize> = {}
  for (const [name, schema] of Object.entries(schemas)) {
    app.get(`/${name}`, { schema: { response: { 200: schema } } }, async (_request, reply) => {
      out[name] = reply.getSerializationFunction('200') as Serialize
      reply.hijack()
      reply.raw.end()
    })
  }
  for (const name of Object.keys(schemas)) await app.inject(`/${name}`)
  await app.close()
  return out
}

const request = (mode: string, extra: object = {}) => ({
  track_id: 'shanghai',
  season: 2019,
  driver: 'HAM',
  mode,
  strategy: {
    stints: [
      { start_lap: 0, compound: 'A4', tire_age: 2 },
      { start_lap: 22, compound: 'A3', tire_age: 0 },
      { start_lap: 36, compound: 'A4', tire_age: 0 },
    ],
  },
  ...extra,
})

const stored = (mode: string | undefined, strategy_data: unknown, results: SimulationResults) => ({
  simulation_id: '01JEXAMPLE0000000000000000',
  created_at: '2026-11-26T09:15:00.123Z',
  user_id: 'u-bench',
  track_id: 'shanghai',
  season: 2019,
  ...(mode ? { mode } : {}),
  driver: 'HAM',
  strategy_data,
  total_time: 5447.822,
  results,
})

const raceRequest = request('race')
const mcRequest = request('monte_carlo', { runs: 1000, seed: 1 })
const singleRequest = request('single')
const cases = {
  'race (20 cars, 56 laps, lap_detail)': stored('race', raceRequest, runSimulation(raceRequest)),
  'monte carlo (20 drivers, 1000 runs)': stored('monte_carlo', mcRequest, runSimulation(mcRequest)),
  'single car': stored('single', singleRequest, runSimulation(singleRequest)),
  'legacy row': stored(undefined, 'two stops', { position: 3, total_time: 5523.4, laps: 56 }),
}

const serializers = await compile({ wire: SimulationWireSchema, typed: SimulationSchema })

/** Calls per millisecond of `fn` over `ms`. */
function rate(fn: () => void, ms: number): number {
  let calls = 0
  const end = performance.now() + ms
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) fn()
    calls += 10
  }
  return calls / ms
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const us = (perMs: number) => `${(1000 / perMs).toFixed(1).padStart(8)} µs`

console.log(
  `${'case'.padEnd(38)} ${'JSON'.padStart(9)} ${'wire'.padStart(11)} ${'typed'.padStart(11)}  typed/wire (median of ${rounds} rounds)`,
)
for (const [name, simulation] of Object.entries(cases)) {
  // Against JSON's own round trip: -0 (a rounded DRS gain) comes back as 0 either way.
  const asJson: unknown = JSON.parse(JSON.stringify(simulation))
  for (const [kind, serialize] of Object.entries(serializers)) {
    if (!isDeepStrictEqual(JSON.parse(serialize(simulation)), asJson)) throw new Error(`${kind} serializer changed ${name}`)
  }
  const times: Record<string, number[]> = { wire: [], typed: [] }
  for (const serialize of Object.values(serializers)) rate(() => serialize(simulation), roundMs / 2)
  for (let round = 0; round < rounds; round++) {
    // Alternating, so drift in the machine's speed hits both alike.
    for (const [kind, serialize] of Object.entries(serializers)) times[kind]!.push(rate(() => serialize(simulation), roundMs))
  }
  const wire = median(times.wire!)
  const typed = median(times.typed!)
  const size = `${(Buffer.byteLength(JSON.stringify(simulation)) / 1024).toFixed(0)} KB`
  console.log(`${name.padEnd(38)} ${size.padStart(9)} ${us(wire)} ${us(typed)}  ${(wire / typed).toFixed(2)}`)
}
