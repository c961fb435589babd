// What each app's container is given: plain variables and the secrets ECS injects. One function
// per kind, pure, so the whole wiring is tested without synthesizing (test/service-env.test.ts).
// Names of variables come from the packages that define them (@f1/contracts/services for ports,
// URLs and tokens, @f1/tables for table names), never typed here; the two event queue variables are
// spelled here but checked against @f1/events/config's schema by the type checker, and
// simulation-service's job variables (infra cannot import an app) against its config's source by
// test/service-env.test.ts.
import {
  calleesOf,
  callerTokenVar,
  portVar,
  servicePairs,
  SERVICES,
  tokenVar,
  urlVar,
  type Caller,
  type ServiceName,
} from '@f1/contracts/services'
import type { EventConsumerConfigProperties } from '@f1/events/config'
import { CONSUMERS, type Consumer } from '@f1/events/rules'
import { TABLES, type TableId } from '@f1/tables'
import { SERVICE_TABLES } from './services.ts'
import { COLLECTOR_ENDPOINT } from './trace-collector.ts'

/** The time the apps give in-flight requests on SIGTERM (their SHUTDOWN_TIMEOUT_MS, set explicitly). */
export const SHUTDOWN_TIMEOUT_MS = 10_000

export interface EnvInputs {
  /** The apps' STAGE: the deployment's name, which makes them refuse every local default. */
  stage: string
  /** The stack's region (a token at synth time). */
  region: string
  tableNames: Record<TableId, string>
  /** The gateway's APP_ORIGINS: the console's origins, comma-separated. */
  appOrigins: string
  /** The gateway's KEEP_ALIVE_TIMEOUT_MS: above the load balancer's idle timeout. */
  keepAliveTimeoutMs: number
  stripePrices: { pro: string; team: string }
  /** Each consumer's event queue and its dead-letter queue, by URL (tokens at synth time). */
  eventQueueUrls: Record<Consumer, EventQueueUrls>
  /** simulation-service's job queue, by URL (a token at synth time). */
  simulationJobQueueUrl: string
  /** Share of new traces recorded (OTEL_TRACES_SAMPLER_ARG); calls within a trace follow its decision. */
  traceSampleRatio: number
}

export interface EventQueueUrls {
  queueUrl: string
  deadLetterQueueUrl: string
}

type EventConsumerVariable = keyof typeof EventConsumerConfigProperties
/** The consumers' queue variables, as @f1/events/config names them (a rename there fails the type check here). */
export const EVENT_QUEUE_URL_VAR = 'EVENT_QUEUE_URL' satisfies EventConsumerVariable
export const EVENT_DEAD_LETTER_QUEUE_URL_VAR = 'EVENT_DEAD_LETTER_QUEUE_URL' satisfies EventConsumerVariable

/** simulation-service's job queue variable (its config, apps/simulation-service/src/config.ts, requires it in every deployed stage). */
export const SIMULATION_JOB_QUEUE_URL_VAR = 'SIMULATION_JOB_QUEUE_URL'

/**
 * How simulation-service runs its jobs: the app's defaults, set explicitly because the job queue's
 * redrive, alarm and scaling (simulation-jobs.ts) are derived from them.
 */
export const SIMULATION_JOBS = {
  /** SIMULATION_JOB_CONCURRENCY: jobs a task runs at once (the scaling's jobs per task). */
  concurrency: 1,
  /** SIMULATION_JOB_MAX_MS: a job not settled this long after its submission is failed and refunded. */
  maxMs: 30 * 60_000,
  /** SIMULATION_JOB_LEASE_MS: a runner's lease (a receive's visibility timeout), renewed every third of it. */
  leaseMs: 30_000,
  /** SIMULATION_JOB_MAX_ATTEMPTS: receives of a job before the runner fails and refunds it. */
  maxAttempts: 3,
} as const

/** The job settings as simulation-service's variables. */
export function simulationJobVariables(): Record<string, string> {
  return {
    SIMULATION_JOB_CONCURRENCY: String(SIMULATION_JOBS.concurrency),
    SIMULATION_JOB_MAX_MS: String(SIMULATION_JOBS.maxMs),
    SIMULATION_JOB_LEASE_MS: String(SIMULATION_JOBS.leaseMs),
    SIMULATION_JOB_MAX_ATTEMPTS: String(SIMULATION_JOBS.maxAttempts),
  }
}

/** Whether an app consumes events (`CONSUMERS` in @f1/events/rules), each from its own queue. */
export function isConsumer(service: ServiceName): service is Consumer {
  return (CONSUMERS as readonly string[]).includes(service)
}

/** What a secret variable is filled from; the compute stack maps each to a Secrets Manager secret. */
export type SecretSource =
  | { kind: 'jwt' }
  | { kind: 'stripe-secret-key' }
  | { kind: 'stripe-webhook-secret' }
  | { kind: 'service-token'; caller: Caller; callee: ServiceName }

/** The tables an app reads: those its policy grants (services.ts), which are the ones its config names. */
export function serviceTables(service: ServiceName): TableId[] {
  return SERVICE_TABLES[service].map((grant) => grant.table)
}

/** A callee's address through Service Connect: its app name (the dnsName) and its port. */
export function serviceConnectUrl(callee: ServiceName): string {
  return `http://${callee}:${SERVICES[callee].defaultPort}`
}

/** The plain variables of an app's container. */
export function serviceEnvironment(service: ServiceName, inputs: EnvInputs): Record<string, string> {
  const env: Record<string, string> = {
    STAGE: inputs.stage,
    NODE_ENV: 'production',
    HOST: '0.0.0.0',
    AWS_REGION: inputs.region,
    [portVar(service)]: String(SERVICES[service].defaultPort),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    // Spans to the collector beside the app in its task (trace-collector.ts), which puts them to X-Ray.
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR_ENDPOINT,
    OTEL_TRACES_SAMPLER_ARG: String(inputs.traceSampleRatio),
  }
  for (const table of serviceTables(service)) env[TABLES[table].envVar] = inputs.tableNames[table]
  for (const callee of calleesOf(service)) env[urlVar(callee)] = serviceConnectUrl(callee)
  if (service === 'gateway') {
    // One hop, the ALB, is believed: a direct API client is seen with its own address, a console
    // request through CloudFront with CloudFront's. Believing two would let a direct caller choose
    // its address with X-Forwarded-For.
    env.TRUST_PROXY = '1'
    env.APP_ORIGINS = inputs.appOrigins
    env.KEEP_ALIVE_TIMEOUT_MS = String(inputs.keepAliveTimeoutMs)
  }
  if (service === 'subscription-service') {
    env.STRIPE_PRICE_PRO = inputs.stripePrices.pro
    env.STRIPE_PRICE_TEAM = inputs.stripePrices.team
  }
  if (service === 'simulation-service') {
    // Its job queue (no SQS_ENDPOINT: the real one), and the job settings the queue's numbers assume.
    env[SIMULATION_JOB_QUEUE_URL_VAR] = inputs.simulationJobQueueUrl
    Object.assign(env, simulationJobVariables())
  }
  if (isConsumer(service)) {
    // Its own queue and DLQ only. No SQS_ENDPOINT (the real one) and no EVENT_BUS_SECRET: unset, the
    // app has no POST /events, the local way to hand it an event.
    env[EVENT_QUEUE_URL_VAR] = inputs.eventQueueUrls[service].queueUrl
    env[EVENT_DEAD_LETTER_QUEUE_URL_VAR] = inputs.eventQueueUrls[service].deadLetterQueueUrl
  }
  return env
}

/** The secret variables of an app's container: one service token per pair it is part of, and its own secrets. */
export function serviceSecrets(service: ServiceName): Record<string, SecretSource> {
  const secrets: Record<string, SecretSource> = {}
  for (const { caller, callee } of servicePairs()) {
    if (caller === service) secrets[tokenVar(callee)] = { kind: 'service-token', caller, callee }
    if (callee === service) secrets[callerTokenVar(caller)] = { kind: 'service-token', caller, callee }
  }
  if (service === 'gateway') secrets.JWT_SECRET = { kind: 'jwt' }
  if (service === 'subscription-service') {
    secrets.STRIPE_SECRET_KEY = { kind: 'stripe-secret-key' }
    secrets.STRIPE_WEBHOOK_SECRET = { kind: 'stripe-webhook-secret' }
  }
  return secrets
}
