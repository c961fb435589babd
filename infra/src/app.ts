// Builds the stacks of one stage into a CDK app from its context (see README for the values).
import { Annotations, CfnOutput, type App } from 'aws-cdk-lib'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { AccessStack } from './access-stack.ts'
import { AlertsStack } from './alerts-stack.ts'
import { ComputeStack } from './compute-stack.ts'
import { readConfig, type InfraConfig } from './config.ts'
import { DataStack } from './data-stack.ts'
import { EventsStack } from './events-stack.ts'
import { IDLE_TIMEOUT, LoadBalancerStack } from './load-balancer-stack.ts'
import { busName, stageTableNames } from './names.ts'
import { alarmsNotify, MonitoringStack } from './monitoring-stack.ts'
import { NetworkStack } from './network-stack.ts'
import { RelayStack } from './relay-stack.ts'
import { WebStack } from './web-stack.ts'

/** The stacks of the data and its events: tables, bus, relay, policies. */
export interface PlatformStacks {
  config: InfraConfig
  alerts: AlertsStack
  data: DataStack
  events: EventsStack
  relay: RelayStack
  access: AccessStack
}

export interface F1Stacks extends PlatformStacks {
  network: NetworkStack
  loadBalancer: LoadBalancerStack
  web: WebStack
  compute: ComputeStack
  monitoring: MonitoringStack
}

export interface BuildOptions {
  /** The console's build folder (default apps/web/dist); tests point it elsewhere. */
  webDist?: string
}

/** The apps' KEEP_ALIVE_TIMEOUT_MS default is 72 s for a 60 s ALB idle timeout: the same margin here. */
const KEEP_ALIVE_MARGIN_MS = 12_000

/** The stream of every outbox table, from the data stack (each such table is always managed there). */
function outboxStreamArns(data: DataStack): Record<OutboxTableId, string> {
  const arns = {} as Record<OutboxTableId, string>
  for (const id of OUTBOX_TABLE_IDS) {
    const streamArn = data.tables[id]?.tableStreamArn
    if (!streamArn) throw new Error(`outbox table ${id} has no stream in the data stack`)
    arns[id] = streamArn
  }
  return arns
}

const commonProps = (config: InfraConfig) => ({ analyticsReporting: false, tags: { project: 'f1-race-sim', stage: config.stage } })

/** Adds every stack of the context's stage to the app (env-agnostic), in deploy order. */
export function buildStacks(app: App, options: BuildOptions = {}): F1Stacks {
  const platform = buildPlatformStacks(app)
  return { ...platform, ...buildComputeStacks(app, platform, options) }
}

/** The data, events, relay and access stacks of the context's stage. */
export function buildPlatformStacks(app: App): PlatformStacks {
  const config = readConfig(app.node)
  const { stage } = config
  const tableNames = stageTableNames(stage, config.existingLegacyTableName)
  const common = commonProps(config)

  // First: every alarm of the stage notifies its topic (alarmsNotify), whichever stack the alarm is in.
  const alerts = new AlertsStack(app, `f1-alerts-${stage}`, {
    ...common,
    description: `F1 Race Sim alarm topic (${stage})`,
    stage,
    alarmEmail: config.alarmEmail,
  })
  alarmsNotify(app, alerts.topic)
  const data = new DataStack(app, `f1-data-${stage}`, {
    ...common,
    description: `F1 Race Sim DynamoDB tables (${stage})`,
    tableNames,
    manageLegacyTable: config.existingLegacyTableName === undefined,
  })
  const events = new EventsStack(app, `f1-events-${stage}`, {
    ...common,
    description: `F1 Race Sim event bus, its rules and the consumers' event queues (${stage})`,
    stage,
  })
  // A stream's ARN carries its creation time, so it cannot be built from a name like the other ARNs:
  // it is the one value imported from another stack. The export also makes CloudFormation refuse a
  // data-stack change that would replace a stream a pipe reads (a pipe cannot follow a new stream).
  const relay = new RelayStack(app, `f1-relay-${stage}`, {
    ...common,
    description: `F1 Race Sim outbox relay: one EventBridge pipe per outbox table's stream to the bus (${stage})`,
    stage,
    streamArns: outboxStreamArns(data),
    busName: busName(stage),
  })
  // The pipes name the bus by ARN; it must exist before they start putting events on it.
  relay.addStackDependency(events)
  const access = new AccessStack(app, `f1-access-${stage}`, {
    ...common,
    description: `F1 Race Sim per-service IAM policies (${stage})`,
    stage,
    tableNames,
  })
  // The policies name resources by ARN only; deploying them last keeps the order readable.
  access.addStackDependency(data)
  access.addStackDependency(events)
  return { config, alerts, data, events, relay, access }
}

/** The network, load balancer, web and compute stacks, which run the apps on the platform's stacks. */
function buildComputeStacks(app: App, platform: PlatformStacks, options: BuildOptions): Omit<F1Stacks, keyof PlatformStacks> {
  const { config, events, relay, access } = platform
  const { stage } = config
  const tableNames = stageTableNames(stage, config.existingLegacyTableName)
  const common = commonProps(config)

  // Compute: network, then the load balancer, then the console (CloudFront needs the load balancer
  // as its /api/* origin), then the apps (the gateway needs the console's origin in APP_ORIGINS).
  const network = new NetworkStack(app, `f1-network-${stage}`, {
    ...common,
    description: `F1 Race Sim VPC, endpoints and security groups (${stage})`,
    stage,
    natGateways: config.natGateways,
    logRetentionDays: config.logRetentionDays,
  })
  const loadBalancer = new LoadBalancerStack(app, `f1-lb-${stage}`, {
    ...common,
    description: `F1 Race Sim load balancer in front of the gateway (${stage})`,
    stage,
    vpc: network.vpc,
    securityGroup: network.loadBalancerSecurityGroup,
    ...(config.tls ? { tls: config.tls } : {}),
  })
  if (!config.tls) {
    Annotations.of(loadBalancer).addWarningV2(
      '@f1/infra:http-only',
      `no certificateArn in context: the load balancer listens on HTTP only (allowed for stage dev only)`,
    )
  }
  new CfnOutput(loadBalancer, 'LoadBalancerDnsName', {
    value: loadBalancer.loadBalancer.loadBalancerDnsName,
    description: config.tls ? `Point ${config.tls.apiDomainName} at this name (CNAME or alias)` : 'The API over HTTP (no certificate)',
  })
  const web = new WebStack(app, `f1-web-${stage}`, {
    ...common,
    description: `F1 Race Sim web console on CloudFront (${stage})`,
    stage,
    loadBalancer: loadBalancer.loadBalancer,
    ...(config.tls ? { tls: config.tls } : {}),
    ...(options.webDist ? { webDist: options.webDist } : {}),
  })
  const consoleOrigin = `https://${web.distribution.distributionDomainName}`
  const compute = new ComputeStack(app, `f1-compute-${stage}`, {
    ...common,
    description: `F1 Race Sim services on ECS Fargate (${stage})`,
    stage,
    vpc: network.vpc,
    securityGroups: network.serviceSecurityGroups,
    policies: access.policies,
    eventQueues: events.eventQueues,
    gatewayTargetGroup: loadBalancer.gatewayTargetGroup,
    tableNames,
    appOrigins: config.appOrigin ? `${config.appOrigin},${consoleOrigin}` : consoleOrigin,
    keepAliveTimeoutMs: IDLE_TIMEOUT.toMilliseconds() + KEEP_ALIVE_MARGIN_MS,
    stripePrices: config.stripePrices,
    traceSampleRatio: config.traceSampleRatio,
    taskCounts: config.taskCounts,
    logRetentionDays: config.logRetentionDays,
  })
  if (config.placeholderStripePrices) {
    Annotations.of(compute).addWarningV2(
      '@f1/infra:placeholder-stripe-prices',
      `no stripePricePro / stripePriceTeam in context: subscription-service gets ${config.stripePrices.pro} and ${config.stripePrices.team}, which Stripe does not know`,
    )
  }
  // The apps start after their policies (hence the tables and the bus) and after the relay: an outbox
  // item written before its table's pipe exists waits in the stream, at most 24 h.
  compute.addStackDependency(access)
  compute.addStackDependency(relay)
  compute.addStackDependency(web)
  const monitoring = new MonitoringStack(app, `f1-monitoring-${stage}`, {
    ...common,
    description: `F1 Race Sim dashboard and the alarms across services (${stage})`,
    stage,
    loadBalancer: loadBalancer.loadBalancer,
    tableNames,
    eventQueues: events.eventQueues,
    jobQueue: compute.jobQueue,
  })
  return { network, loadBalancer, web, compute, monitoring }
}
