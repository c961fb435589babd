// What each app's container is given: plain variables and the secrets ECS injects. One function
// per kind, pure, so the whole wiring is tested without synthesizing (test/service-env.test.ts).
// Names of variables come from the packages that define them (@f1/contracts/services for ports,
// URLs and tokens, @f1/tables for table names), never typed here.
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
import { CONSUMERS } from '@f1/events/rules'
import { TABLES, type TableId } from '@f1/tables'
import { SERVICE_TABLES } from './services.ts'

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
}

/** What a secret variable is filled from; the compute stack maps each to a Secrets Manager secret. */
export type SecretSource =
  | { kind: 'jwt' }
  | { kind: 'stripe-secret-key' }
  | { kind: 'stripe-webhook-secret' }
  | { kind: 'event-bus' }
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
  if ((CONSUMERS as readonly string[]).includes(service)) secrets.EVENT_BUS_SECRET = { kind: 'event-bus' }
  return secrets
}
