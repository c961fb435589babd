// The app's context values (`-c key=value`), read and checked once; the stacks take the result.
import type { Node } from 'constructs'
import * as logs from 'aws-cdk-lib/aws-logs'
import { SERVICE_NAMES, type ServiceName } from '@f1/contracts/services'
import { parseStage, type Stage } from './names.ts'
import { SERVICE_SIZES } from './service-sizes.ts'

/** The HTTPS side of the load balancer: the certificate and the name on it that points at the ALB. */
export interface Tls {
  certificateArn: string
  /** The ALB's host name on the certificate (a CNAME or alias to the ALB's DNS name). */
  apiDomainName: string
}

export interface InfraConfig {
  stage: Stage
  /** Set when the legacy table already exists and is referenced by name instead of created. */
  existingLegacyTableName?: string
  natGateways: number
  logRetentionDays: logs.RetentionDays
  /** Absent only in dev: the load balancer then listens on HTTP only (with a warning). */
  tls?: Tls
  /** The console's origin when it has a custom domain; otherwise the CloudFront domain is used. */
  appOrigin?: string
  stripePrices: { pro: string; team: string }
  /** True when the Stripe prices are the dev synth's placeholders. */
  placeholderStripePrices: boolean
  taskCounts: Record<ServiceName, { min: number; max: number }>
  /** Subscribed by email to the stage's alarm topic. */
  alarmEmail?: string
  /** Share of new traces the apps record (context traceSampleRatio). */
  traceSampleRatio: number
}

export const DEFAULT_NAT_GATEWAYS = 1
export const DEFAULT_LOG_RETENTION_DAYS = 30
/**
 * One request in twenty: enough to see every route's shape and its slow calls at any traffic, and
 * X-Ray bills per recorded trace. Errors are in the logs and metrics whether sampled or not.
 */
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.05
/** Stripe price ids of a dev synth without context: a checkout with them fails at Stripe, loudly. */
export const PLACEHOLDER_STRIPE_PRICES = { pro: 'price_placeholder_pro', team: 'price_placeholder_team' } as const

const RETENTION_DAYS = Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number')
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/
/** Enough of an address to be mailable (SNS confirms it by sending to it). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/** `action-log-service` -> `actionLogService`: context keys about an app start with this. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}

/** The context keys of an app's task counts: `gatewayMinTasks`, `gatewayMaxTasks`. */
export function taskCountKeys(service: ServiceName): { min: string; max: string } {
  return { min: `${camelCase(service)}MinTasks`, max: `${camelCase(service)}MaxTasks` }
}

function contextString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key)
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${JSON.stringify(value)}`)
  return value
}

/** An integer from `-c key=3` (a string) or cdk.json (a number). */
function contextInteger(node: Node, key: string, fallback: number, min: number, max: number): number {
  const value: unknown = node.tryGetContext(key)
  if (value === undefined || value === null || value === '') return fallback
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(`context ${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return number
}

function baseUrl(key: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch (err) {
    throw new Error(`context ${key} is not a URL: ${value}`, { cause: err })
  }
  // The console is served over HTTPS only (CloudFront redirects HTTP).
  if (url.protocol !== 'https:') throw new Error(`context ${key} must be an https:// URL, got ${value}`)
  if (url.search || url.hash) throw new Error(`context ${key} must be a base URL without query or fragment, got ${value}`)
  return url.href.replace(/\/+$/, '')
}

function origin(key: string, value: string): string {
  const url = new URL(baseUrl(key, value))
  if (url.pathname !== '/') throw new Error(`context ${key} must be an origin (https://host), got ${value}`)
  return url.origin
}

function readTls(node: Node, stage: Stage): Tls | undefined {
  const certificateArn = contextString(node, 'certificateArn')
  const apiDomainName = contextString(node, 'apiDomainName')
  if (!certificateArn) {
    if (stage !== 'dev') {
      throw new Error(
        `context certificateArn is required for stage ${stage} (an ACM certificate in the stack's region, for the load balancer's HTTPS listener)`,
      )
    }
    if (apiDomainName) throw new Error('context apiDomainName needs certificateArn (the certificate that covers it)')
    return undefined
  }
  if (!CERTIFICATE_ARN.test(certificateArn)) throw new Error(`context certificateArn is not an ACM certificate ARN: ${certificateArn}`)
  // CloudFront checks the origin's certificate against the origin's host name, which therefore
  // cannot be the ALB's own DNS name (no certificate covers *.elb.amazonaws.com).
  if (!apiDomainName)
    throw new Error(
      'context apiDomainName is required with certificateArn (the host name on the certificate that points at the load balancer)',
    )
  if (!HOST_NAME.test(apiDomainName)) throw new Error(`context apiDomainName must be a lowercase host name, got ${apiDomainName}`)
  return { certificateArn, apiDomainName }
}

/** A share from 0 to 1, given as a number or as text (`-c key=0.1`). */
function contextRatio(node: Node, key: string, fallback: number): number {
  const value: unknown = node.tryGetContext(key)
  if (value === undefined || value === null || value === '') return fallback
  const ratio = typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new Error(`context ${key} must be a number from 0 to 1, got ${JSON.stringify(value)}`)
  return ratio
}

/** Reads and checks every context value (see infra/README.md for the list). */
export function readConfig(node: Node): InfraConfig {
  const stage = parseStage(contextString(node, 'stage') ?? 'dev')

  const logRetentionDays = contextInteger(node, 'logRetentionDays', DEFAULT_LOG_RETENTION_DAYS, 1, 3653)
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    throw new Error(`context logRetentionDays must be one of CloudWatch's values (${RETENTION_DAYS.join(', ')}), got ${logRetentionDays}`)
  }

  const pro = contextString(node, 'stripePricePro')
  const team = contextString(node, 'stripePriceTeam')
  if ((!pro || !team) && stage !== 'dev') {
    throw new Error(`context stripePricePro and stripePriceTeam are required for stage ${stage} (the Stripe price ids of the plans)`)
  }

  const taskCounts = {} as Record<ServiceName, { min: number; max: number }>
  for (const service of SERVICE_NAMES) {
    const keys = taskCountKeys(service)
    const min = contextInteger(node, keys.min, SERVICE_SIZES[service].minTasks, 1, 100)
    const max = contextInteger(node, keys.max, Math.max(min, SERVICE_SIZES[service].maxTasks), 1, 100)
    if (max < min) throw new Error(`context ${keys.max} (${max}) is below ${keys.min} (${min})`)
    taskCounts[service] = { min, max }
  }

  const traceSampleRatio = contextRatio(node, 'traceSampleRatio', DEFAULT_TRACE_SAMPLE_RATIO)

  const existingLegacyTableName = contextString(node, 'legacyTableName')
  const tls = readTls(node, stage)
  const appOriginValue = contextString(node, 'appOrigin')
  const alarmEmail = contextString(node, 'alarmEmail')
  if (alarmEmail && !EMAIL.test(alarmEmail)) throw new Error(`context alarmEmail is not an email address: ${alarmEmail}`)
  return {
    stage,
    ...(existingLegacyTableName ? { existingLegacyTableName } : {}),
    // One per AZ at most: the VPC spans two.
    natGateways: contextInteger(node, 'natGateways', DEFAULT_NAT_GATEWAYS, 1, 2),
    logRetentionDays,
    ...(tls ? { tls } : {}),
    ...(appOriginValue ? { appOrigin: origin('appOrigin', appOriginValue) } : {}),
    stripePrices: { pro: pro ?? PLACEHOLDER_STRIPE_PRICES.pro, team: team ?? PLACEHOLDER_STRIPE_PRICES.team },
    placeholderStripePrices: !pro || !team,
    taskCounts,
    ...(alarmEmail ? { alarmEmail } : {}),
    traceSampleRatio,
  }
}
