// Charge, work and refund stay one outcome when things break: the gateway gives up on a long run,
// simulation-service is killed mid-run. Real processes and HTTP, DynamoDB Local.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { freePort } from '@f1/local-stack/dynamodb'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { HAM_SHANGHAI, bearer, build, meteredUsage, register, setPlan } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>

const monteCarlo = (runs: number) => ({
  track_id: 'shanghai',
  season: 2019,
  driver: 'HAM',
  mode: 'monte_carlo',
  runs,
  seed: 11,
  strategy: HAM_SHANGHAI,
})

const scan = async (built: Built, table: 'simulations' | 'usage') =>
  // The table's own items: its outbox (the events of what happened) is not what was stored.
  ((await built.tables.doc.send(new ScanCommand({ TableName: built.tables.names[table], ConsistentRead: true }))).Items ?? []).filter(
    (item) => !item.outbox_event_id,
  )

/** A user on the team plan, whose 100,000 Monte Carlo runs a day allow long studies. */
async function teamUser(built: Built) {
  const user = await register(built.app)
  await setPlan(built.app, user.userId, 'team')
  return user
}

t.test("a simulation longer than the gateway's budget stops, answers 504, stores nothing and gives the whole charge back", async (t) => {
  // A synchronous run (bigger studies are jobs): the gateway's budget is what stops it.
  const built = await build(t, { gatewayEnv: { SIMULATION_TIMEOUT_MS: '1500' }, simulationEnv: { SIMULATION_JOB_ABOVE_RUNS: '100000' } })
  const user = await teamUser(built)
  const res = await built.app.inject({ method: 'POST', url: '/api/simulations', headers: bearer(user.token), payload: monteCarlo(100_000) })
  t.equal(res.statusCode, 504, res.body)
  t.same(await meteredUsage(built.app, user.token), {}, 'simulation_run and 100,000 monte_carlo_run given back')
  t.same(await scan(built, 'simulations'), [], 'nothing stored, not even hidden')
  const charges = (await scan(built, 'usage')).filter((i) => String(i.feature_date_key).startsWith('charge#'))
  t.same(
    charges.map((c) => c.status),
    ['refunded'],
  )
})

/** simulation-service as a process of its own, on a fixed port so it can be killed and started again. */
function simulationProcess(built: Built, port: number) {
  let child: ChildProcess | undefined
  const env = {
    ...process.env,
    STAGE: 'local',
    HOST: '127.0.0.1',
    SIMULATION_SERVICE_PORT: String(port),
    ...serviceTokenEnv('simulation-service'),
    DYNAMODB_ENDPOINT: built.tables.endpoint,
    SIMULATION_RESULTS_TABLE: built.tables.names.simulations,
    USAGE_SERVICE_URL: built.usageUrl,
    PENDING_SWEEP_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: join(import.meta.dirname, '..', '..', 'simulation-service'),
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      })
      for (;;) {
        if (child.exitCode !== null) throw new Error(`simulation-service exited with ${child.exitCode}`)
        try {
          if ((await fetch(`${url}/ready`)).ok) return
        } catch {
          // not listening yet
        }
        await sleep(100)
      }
    },
    kill(signal: NodeJS.Signals) {
      child?.kill(signal)
      return new Promise<void>((resolve) =>
        child?.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
      )
    },
  }
}

t.test(
  'simulation-service killed mid-run: the charge comes back, nothing is stored, and the retry with the same key runs once',
  async (t) => {
    const port = await freePort()
    const built = await build(t, { simulationServiceUrl: `http://127.0.0.1:${port}` })
    const simulator = simulationProcess(built, port)
    await simulator.start()
    t.teardown(() => simulator.kill('SIGKILL'))
    const user = await teamUser(built)
    const body = monteCarlo(20_000)
    const post = () =>
      built.app.inject({
        method: 'POST',
        url: '/api/simulations',
        headers: { ...bearer(user.token), 'idempotency-key': 'mid-run' },
        payload: body,
      })

    const running = post()
    // The charge is held once the run has started: then the process dies.
    for (let polls = 0; !(await meteredUsage(built.app, user.token)).monte_carlo_run; polls++) {
      if (polls > 500) throw new Error('the run never started')
      await sleep(20)
    }
    await simulator.kill('SIGKILL')
    const res = await running
    t.ok(res.statusCode === 503 || res.statusCode === 502, `answered ${res.statusCode}: ${res.body}`)
    t.same(await meteredUsage(built.app, user.token), {}, 'the held charge was refunded by the gateway')
    t.same(await scan(built, 'simulations'), [], 'nothing stored')

    await simulator.start()
    const retry = await post()
    t.equal(retry.statusCode, 201)
    t.same(
      await meteredUsage(built.app, user.token),
      { simulation_run: 1, monte_carlo_run: 20_000 },
      'charged once, for the run that was stored',
    )
    t.equal((await scan(built, 'simulations')).length, 1)
    const replay = await post()
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.equal(replay.json().simulation_id, retry.json().simulation_id)
  },
)
