// The calls the job tests make on a built app: submit, read, wait for, cancel.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Simulation } from '@f1/contracts/simulations'
import { auth, simulationBody, type build } from './helper.ts'

export type Built = Awaited<ReturnType<typeof build>>

/** Monte Carlo's charges as the gateway sends them: the simulation and its runs. */
export const MC_CHARGES = (runs: number) => [
  { feature: 'simulation_run', amount: 1, limit: 5 },
  { feature: 'monte_carlo_run', amount: runs, limit: 10_000_000 },
]
/** Studies above 1,000 runs are jobs, run at once on one worker. */
export const JOB_ENV = { SIMULATION_JOB_ABOVE_RUNS: '1000', SIMULATION_JOB_POLL_MS: '0', SIMULATION_WORKERS: '1' }

export const submit = (built: Built, user: string, body: object) =>
  built.app.inject({ method: 'POST', url: `/users/${user}/simulations`, headers: auth, payload: body })
export const read = async (built: Built, user: string, id: string): Promise<Simulation> =>
  (await built.app.inject({ url: `/simulations/${id}?user_id=${user}`, headers: auth })).json<Simulation>()
export const cancel = (built: Built, user: string, id: string) =>
  built.app.inject({ method: 'DELETE', url: `/simulations/${id}?user_id=${user}`, headers: auth })

/** Reads the job until `check` holds, every 50 ms. */
export async function until(built: Built, user: string, id: string, check: (job: Simulation) => boolean) {
  for (;;) {
    const job = await read(built, user, id)
    if (check(job)) return job
    await sleep(50)
  }
}

/** Stores a queued HAM Monte Carlo job of `runs` straight in the table, as a submit would, without waking a runner. */
export const storeJob = (
  built: Built,
  job: { id: string; user: string; runs: number; deadlineMs: number; charged: boolean; createdAt?: Date },
) =>
  built.app.jobs.create({
    simulationId: job.id,
    userId: job.user,
    createdAt: job.createdAt ?? new Date(),
    trackId: 'shanghai',
    season: 2019,
    mode: 'monte_carlo',
    driver: 'HAM',
    strategyData: simulationBody('monte_carlo', { runs: job.runs }),
    runsTotal: job.runs,
    deadline: Date.now() + job.deadlineMs,
    charged: job.charged,
  })
