// A job survives its process: simulation-service as a real child process, killed (SIGKILL) while a
// job runs; the next process takes the job once the dead one's lease runs out and runs it to the end.
// Both queues: the table (local) and SQS (AWS; here local-aws-sqs, in this process so it outlives the kill).
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Simulation } from '@f1/contracts/simulations'
import { freePort } from '@f1/local-stack/dynamodb'
import { sqsServer } from '@f1/events/sqs-testing'
import { serviceTokenEnv } from '@f1/service-kit/testing'
import { auth, build, operation, simulationBody, userId } from './helper.ts'

type Built = Awaited<ReturnType<typeof build>>
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

function simulationProcess(built: Built, port: number, queueEnv: Record<string, string>) {
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
    SIMULATION_WORKERS: '1',
    SIMULATION_JOB_ABOVE_RUNS: '1000',
    SIMULATION_JOB_LEASE_MS: '2000',
    SIMULATION_JOB_POLL_MS: '500',
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...queueEnv,
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: join(import.meta.dirname, '..'),
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
        !child || child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
      )
    },
  }
}

async function killedMidRun(t: Tap, queueEnv: Record<string, string>, whileDown: () => Promise<void> = async () => {}) {
  // The test's own app never runs jobs (its poll is off and nothing is submitted to it): only the child processes do.
  const built = await build(t, { env: { SIMULATION_JOB_POLL_MS: '0' } })
  const port = await freePort()
  const service = simulationProcess(built, port, queueEnv)
  await service.start()
  t.teardown(() => service.kill('SIGKILL'))
  const user = userId()
  const runs = 8_000
  const op = operation([
    { feature: 'simulation_run', amount: 1, limit: 5 },
    { feature: 'monte_carlo_run', amount: runs, limit: 1_000_000 },
  ])
  // As a client would: a 503 (a process just started sheds load while its event loop is slow) is tried again after Retry-After.
  let submitted: Response
  for (let attempt = 1; ; attempt++) {
    submitted = await fetch(`${service.url}/users/${user}/simulations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(simulationBody('monte_carlo', { runs, seed: 11, operation: op })),
    })
    if (submitted.status !== 503 || attempt === 10) break
    await sleep(1000 * Number(submitted.headers.get('retry-after') ?? 1))
  }
  t.equal(submitted.status, 202)
  if (submitted.status !== 202) return
  const read = async () => (await (await fetch(`${service.url}/simulations/${op.id}?user_id=${user}`, { headers: auth })).json()) as Simulation
  for (let job = await read(); !(job.status === 'running' && job.progress!.runs_done > 0); job = await read()) {
    if (job.status === 'done') throw new Error('the job finished before it could be killed; give it more runs')
    await sleep(50)
  }
  await service.kill('SIGKILL')
  t.equal(await built.chargeStatus(user, op.id), 'held', 'the charge stays held while the job waits for a runner')
  await whileDown()

  await service.start()
  let job = await read()
  for (; job.status !== 'done' && job.status !== 'failed'; job = await read()) await sleep(200)
  t.equal(job.status, 'done', `done, not failed (${JSON.stringify(job.error ?? null)})`)
  t.same(job.progress, { runs_done: runs, runs_total: runs })
  t.ok(job.results, 'its results are shown')
  const rows = await built.rawRows(op.id)
  t.equal(rows.length, 1, 'exactly one item stored')
  t.ok(Number(rows[0]!.job_attempts) >= 2, 'run again after the kill')
  t.equal(await built.chargeStatus(user, op.id), 'committed')
  t.same(await built.counts(user), { simulation_run: 1, monte_carlo_run: runs }, 'charged once')
  const events = (await built.published()).filter((e) => e.detail.simulation_id === op.id)
  t.same(events.map((e) => e.type), ['Simulation Completed'], 'one Simulation Completed')
}

t.test('a job whose process is killed mid-run is taken by the next process and done once: one result stored, the charge committed once', async (t) => {
  await killedMidRun(t, {})
})

t.test('on the SQS job queue, a job whose process is killed mid-run comes back with its message and is done once', async (t) => {
  const queues = await sqsServer(t)
  const q = await queues.queue({ visibilityTimeoutSeconds: 30 })
  await killedMidRun(t, { SIMULATION_JOB_QUEUE_URL: q.url, SQS_ENDPOINT: queues.endpoint }, async () => {
    t.equal(await queues.depth(q.url), 1, "the job's message waits on the queue for the dead runner's lease to end")
  })
  t.equal(await queues.depth(q.url), 0, 'its message is deleted with the job')
  t.equal(await queues.depth(q.dlqUrl), 0, 'nothing dead-lettered')
})
