// simulation-service: builds the app (never listens; server.ts does).
import outbox from '@f1/events/plugin'
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { loadShedding } from '@f1/service-kit/load-shedding'
import { currentDeadline } from '@f1/service-kit/deadline'
import { callerTokens } from '@f1/service-kit/config'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import underPressure from '@fastify/under-pressure'
import dynamodb from '@f1/tables/plugin'
import type { SimulationConfig } from './config.ts'
import engine from './plugins/engine.ts'
import jobRunner from './plugins/job-runner.ts'
import pendingSweeper from './plugins/pending-sweeper.ts'
import simulationsRepository from './plugins/simulations-repository.ts'
import usageService from './plugins/usage-service.ts'
import workQueue from './plugins/work-queue.ts'
import { MAX_BLOB_BYTES } from './repositories/stored-results.ts'
import simulationRoutes from './routes/simulations/index.ts'
import strategyRoutes from './routes/strategies/index.ts'
import trackRoutes from './routes/tracks/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  /** The clock of created_at and the ids. */
  now?: () => Date
  /** Size limits of stored results (tests lower them to reach compression and parts with small results). */
  resultLimits?: { compressAbove: number; maxBlob: number }
}

/** Kept from the shutdown timeout to refund the work aborted at its end. */
const SHUTDOWN_REFUND_MS = 2_000
/** A hidden result is settled this long after its charge's hold ended (after usage-service's own sweep). */
const PENDING_GRACE_MS = 10_000

export async function buildApp(config: SimulationConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date())
  const app = createServiceApp({
    name: 'simulation-service',
    config,
    logger: options.logger ?? true,
    // A run without a caller's budget may take this long; its socket must not be cut before.
    longestHandlerMs: config.SIMULATION_MAX_BUDGET_MS,
  })
  await app.register(underPressure, loadShedding(config))
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT, deadline: currentDeadline })
  await app.register(outbox, { table: 'simulations', tableName: config.SIMULATION_RESULTS_TABLE, now })
  await app.register(engine, { workers: config.SIMULATION_WORKERS })
  await app.register(simulationsRepository, {
    tableName: config.SIMULATION_RESULTS_TABLE,
    limits: options.resultLimits ?? { compressAbove: config.SIMULATION_COMPRESS_ABOVE_BYTES, maxBlob: MAX_BLOB_BYTES },
  })
  await app.register(usageService, {
    baseUrl: config.USAGE_SERVICE_URL,
    serviceToken: config.USAGE_SERVICE_TOKEN,
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  })
  await app.register(workQueue, {
    concurrency: config.SIMULATION_CONCURRENCY,
    capacity: config.SIMULATION_QUEUE_SIZE,
    perUser: config.SIMULATION_QUEUE_PER_USER,
    // Running work gets most of the shutdown time, keeping some to refund what it must abort.
    graceMs: Math.max(0, config.SHUTDOWN_TIMEOUT_MS - SHUTDOWN_REFUND_MS),
  })
  await app.register(jobRunner, {
    tableName: config.SIMULATION_RESULTS_TABLE,
    limits: options.resultLimits,
    concurrency: config.SIMULATION_JOB_CONCURRENCY,
    pollMs: config.SIMULATION_JOB_POLL_MS,
    leaseMs: config.SIMULATION_JOB_LEASE_MS,
    maxAttempts: config.SIMULATION_JOB_MAX_ATTEMPTS,
    queue: config.SIMULATION_JOB_QUEUE_URL
      ? { url: config.SIMULATION_JOB_QUEUE_URL, region: config.AWS_REGION, endpoint: config.SQS_ENDPOINT }
      : undefined,
  })
  await app.register(pendingSweeper, { intervalMs: config.PENDING_SWEEP_INTERVAL_MS, graceMs: PENDING_GRACE_MS, now })
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(callerTokens(config, 'simulation-service')))
    await scope.register(simulationRoutes, {
      now,
      maxBudgetMs: config.SIMULATION_MAX_BUDGET_MS,
      jobAboveRuns: config.SIMULATION_JOB_ABOVE_RUNS,
      jobMaxMs: config.SIMULATION_JOB_MAX_MS,
    })
    await scope.register(strategyRoutes, { now, maxBudgetMs: config.SIMULATION_MAX_BUDGET_MS, jobMaxMs: config.SIMULATION_JOB_MAX_MS })
    await scope.register(trackRoutes)
  })
  return app
}
