// The apps on ECS Fargate: one cluster (Container Insights), a Cloud Map namespace for Service
// Connect, one service per app with its image, environment and secrets (service-env.ts), task role
// (its managed policy from the access stack, and for an event consumer its own queues), health
// check, logs, circuit breaker and autoscaling; the gateway behind the load balancer's target group;
// simulation-service's job queue (simulation-jobs.ts), which only it may use and whose jobs it also
// scales on; and the migrator's one-off backfill task.
import { CfnOutput, CrossStackReferences, Duration, Fn, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import * as ecs from 'aws-cdk-lib/aws-ecs'
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as cloudmap from 'aws-cdk-lib/aws-servicediscovery'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { calleesOf, callersOf, SERVICE_NAMES, SERVICES, type ServiceName } from '@f1/contracts/services'
import { CONSUMERS, type Consumer } from '@f1/events/rules'
import type { TableId } from '@f1/tables'
import { appImage, HEALTH_PROBE, MIGRATOR_CLI } from './images.ts'
import { logGroupName, resourceName, type Stage } from './names.ts'
import { isConsumer, serviceEnvironment, serviceSecrets, SHUTDOWN_TIMEOUT_MS, type EventQueueUrls } from './service-env.ts'
import { ServiceSecrets } from './service-secrets.ts'
import { SERVICE_SIZES } from './service-sizes.ts'
import { JOB_QUEUE_ACTIONS, scaleOnJobBacklog, SimulationJobQueue } from './simulation-jobs.ts'
import { addTraceCollector } from './trace-collector.ts'

export interface ComputeStackProps extends StackProps {
  stage: Stage
  vpc: ec2.IVpc
  securityGroups: Record<ServiceName, ec2.ISecurityGroup>
  /** Each app's table policy (the access stack): attached to its task role. */
  policies: Record<ServiceName, iam.IManagedPolicy>
  /** Each consumer's event queue and its dead-letter queue (the events stack's). */
  eventQueues: Record<Consumer, { queue: sqs.IQueue; deadLetterQueue: sqs.IQueue }>
  gatewayTargetGroup: elbv2.ApplicationTargetGroup
  tableNames: Record<TableId, string>
  /** The gateway's APP_ORIGINS. */
  appOrigins: string
  /** The gateway's KEEP_ALIVE_TIMEOUT_MS (above the load balancer's idle timeout). */
  keepAliveTimeoutMs: number
  stripePrices: { pro: string; team: string }
  /** Share of new traces the apps record. */
  traceSampleRatio: number
  taskCounts: Record<ServiceName, { min: number; max: number }>
  logRetentionDays: logs.RetentionDays
}

/** The name of each container's one port mapping, which Service Connect refers to. */
export const PORT_NAME = 'http'
/** ECS waits this long after SIGTERM before SIGKILL: the app's own shutdown time plus a margin. */
export const STOP_TIMEOUT = Duration.millis(SHUTDOWN_TIMEOUT_MS + 10_000)
/**
 * Service Connect's proxy ends a request after 15 s by default; the gateway waits up to its
 * SIMULATION_TIMEOUT_MS (120 s) for a simulation, so simulation-service's calls get longer.
 */
export const PER_REQUEST_TIMEOUTS: Partial<Record<ServiceName, Duration>> = { 'simulation-service': Duration.seconds(130) }
export const CPU_TARGET_PERCENT = 60
/** Requests per gateway task per minute before another starts (ALB RequestCountPerTarget). */
export const GATEWAY_REQUESTS_PER_TARGET = 3000
/**
 * What a consumer may do on its own event queue: long-poll it, delete what it handled, hide a message
 * longer or hand it back early, and read its attributes. Nothing on another consumer's queue.
 */
export const EVENT_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
] as const
/** What a consumer may do on its own dead-letter queue: put there at once an event that breaks its contract. */
export const EVENT_DEAD_LETTER_ACTIONS = ['sqs:SendMessage'] as const
/** The one-off task definition's family: run-task names it. */
export const backfillFamily = (stage: Stage): string => resourceName('migrator-backfill', stage)

export class ComputeStack extends Stack {
  readonly cluster: ecs.Cluster
  readonly services = {} as Record<ServiceName, ecs.FargateService>
  readonly taskDefinitions = {} as Record<ServiceName, ecs.FargateTaskDefinition>
  readonly backfillTask: ecs.FargateTaskDefinition
  readonly secrets: ServiceSecrets
  /** simulation-service's job queue, its DLQ and their alarms. */
  readonly jobQueue: SimulationJobQueue

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    const {
      stage,
      vpc,
      securityGroups,
      policies,
      eventQueues,
      gatewayTargetGroup,
      tableNames,
      appOrigins,
      keepAliveTimeoutMs,
      stripePrices,
      traceSampleRatio,
      taskCounts,
      logRetentionDays,
      ...stackProps
    } = props
    super(scope, id, stackProps)
    // Exports (strong references): CloudFormation refuses to delete or replace what this stack uses.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG)

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: resourceName('cluster', stage),
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      // Service Connect needs an HTTP namespace only (no Route 53 zone): clients find callees through their proxy.
      defaultCloudMapNamespace: { name: `${stage}.f1.internal`, type: cloudmap.NamespaceType.HTTP, useForServiceConnect: true },
    })
    this.secrets = new ServiceSecrets(this, 'Secrets', { stage })
    const privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
    const eventQueueUrls = {} as Record<Consumer, EventQueueUrls>
    for (const consumer of CONSUMERS) {
      eventQueueUrls[consumer] = {
        queueUrl: eventQueues[consumer].queue.queueUrl,
        deadLetterQueueUrl: eventQueues[consumer].deadLetterQueue.queueUrl,
      }
    }
    this.jobQueue = new SimulationJobQueue(this, 'SimulationJobs', { stage })
    const envInputs = {
      stage,
      region: this.region,
      tableNames,
      appOrigins,
      keepAliveTimeoutMs,
      stripePrices,
      eventQueueUrls,
      simulationJobQueueUrl: this.jobQueue.queue.queueUrl,
      traceSampleRatio,
    }

    /** The container of an app (its image, env, secrets, logs) in a task definition with its task role's policy. */
    const addAppContainer = (
      service: ServiceName,
      taskDefinition: ecs.FargateTaskDefinition,
      logGroup: logs.ILogGroup,
      command?: string[],
    ) => {
      taskDefinition.taskRole.addManagedPolicy(policies[service])
      const secrets: Record<string, ecs.Secret> = {}
      // ecs.Secret grants read on exactly this secret to the task definition's execution role.
      for (const [variable, source] of Object.entries(serviceSecrets(service))) {
        secrets[variable] = ecs.Secret.fromSecretsManager(this.secrets.secretFor(source))
      }
      const port = SERVICES[service].defaultPort
      return taskDefinition.addContainer(service, {
        image: appImage(service),
        environment: serviceEnvironment(service, envInputs),
        secrets,
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: command ? 'backfill' : service }),
        stopTimeout: STOP_TIMEOUT,
        ...(command
          ? { command }
          : {
              portMappings: [{ name: PORT_NAME, containerPort: port, appProtocol: ecs.AppProtocol.http }],
              healthCheck: {
                command: [...HEALTH_PROBE],
                interval: Duration.seconds(15),
                timeout: Duration.seconds(5),
                retries: 3,
                startPeriod: Duration.seconds(30),
              },
            }),
      })
    }

    const logGroups = {} as Record<ServiceName, logs.LogGroup>
    // SERVICE_NAMES lists callees before callers, so a caller's callees exist when it is added.
    for (const service of SERVICE_NAMES) {
      const size = SERVICE_SIZES[service]
      const logGroup = new logs.LogGroup(this, `${service}-logs`, {
        logGroupName: logGroupName(stage, service),
        retention: logRetentionDays,
      })
      logGroups[service] = logGroup
      const taskDefinition = new ecs.FargateTaskDefinition(this, `${service}-task`, {
        family: resourceName(service, stage),
        cpu: size.cpu,
        memoryLimitMiB: size.memoryMiB,
        runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      })
      addTraceCollector(taskDefinition, addAppContainer(service, taskDefinition, logGroup), logGroup)
      // The service's tasks poll the queue (the backfill task does not: it gets no SQS permission).
      if (isConsumer(service)) {
        const { queue, deadLetterQueue } = eventQueues[service]
        taskDefinition.taskRole.addToPrincipalPolicy(
          new iam.PolicyStatement({ sid: 'ConsumeOwnEventQueue', actions: [...EVENT_QUEUE_ACTIONS], resources: [queue.queueArn] }),
        )
        taskDefinition.taskRole.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'DeadLetterOwnEvents',
            actions: [...EVENT_DEAD_LETTER_ACTIONS],
            resources: [deadLetterQueue.queueArn],
          }),
        )
      }
      // The service's runners use the job queue; its DLQ is SQS's to fill and the operators' to read.
      if (service === 'simulation-service') {
        taskDefinition.taskRole.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'UseSimulationJobQueue',
            actions: [...JOB_QUEUE_ACTIONS],
            resources: [this.jobQueue.queue.queueArn],
          }),
        )
      }
      this.taskDefinitions[service] = taskDefinition

      const called = callersOf(service).length > 0
      const perRequestTimeout = PER_REQUEST_TIMEOUTS[service]
      const fargate = new ecs.FargateService(this, service, {
        cluster: this.cluster,
        serviceName: service,
        taskDefinition,
        desiredCount: taskCounts[service].min,
        vpcSubnets: privateSubnets,
        securityGroups: [securityGroups[service]],
        assignPublicIp: false,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        // A callee is a Service Connect server under its app name (its callers' <APP>_URL);
        // the gateway only calls, so it is a client: no entry in the namespace.
        serviceConnectConfiguration: {
          logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service-connect' }),
          ...(called
            ? {
                services: [
                  {
                    portMappingName: PORT_NAME,
                    discoveryName: service,
                    dnsName: service,
                    port: SERVICES[service].defaultPort,
                    ...(perRequestTimeout ? { perRequestTimeout } : {}),
                  },
                ],
              }
            : {}),
        },
        ...(service === 'gateway' ? { healthCheckGracePeriod: Duration.seconds(60) } : {}),
      })
      // Callees first: a task resolves only the Service Connect names that existed when it started.
      for (const callee of calleesOf(service)) fargate.node.addDependency(this.services[callee])
      this.services[service] = fargate

      const scaling = fargate.autoScaleTaskCount({ minCapacity: taskCounts[service].min, maxCapacity: taskCounts[service].max })
      scaling.scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: CPU_TARGET_PERCENT,
        scaleInCooldown: Duration.minutes(5),
        scaleOutCooldown: Duration.minutes(1),
      })
      if (service === 'simulation-service') {
        scaleOnJobBacklog(scaling, 'JobsPerTask', {
          queue: this.jobQueue.queue,
          clusterName: this.cluster.clusterName,
          serviceName: service,
        })
      }
      if (service === 'gateway') {
        fargate.attachToApplicationTargetGroup(gatewayTargetGroup)
        scaling.scaleOnRequestCount('Requests', {
          requestsPerTarget: GATEWAY_REQUESTS_PER_TARGET,
          targetGroup: gatewayTargetGroup,
          scaleInCooldown: Duration.minutes(5),
          scaleOutCooldown: Duration.minutes(1),
        })
      }
    }

    // The backfill as a one-off task: the migrator's image, env, secrets and policy, the CLI as command.
    this.backfillTask = new ecs.FargateTaskDefinition(this, 'migrator-backfill-task', {
      family: backfillFamily(stage),
      cpu: SERVICE_SIZES.migrator.cpu,
      memoryLimitMiB: SERVICE_SIZES.migrator.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    })
    addAppContainer('migrator', this.backfillTask, logGroups.migrator, [...MIGRATOR_CLI, 'backfill'])

    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName, description: 'The ECS cluster' })
    new CfnOutput(this, 'MigratorRunTask', {
      description: 'Runs the backfill as a one-off task (a dry run; change the arguments in --overrides)',
      value: runTaskCommand({
        cluster: this.cluster.clusterName,
        family: backfillFamily(stage),
        subnets: vpc.selectSubnets(privateSubnets).subnetIds,
        securityGroup: securityGroups.migrator.securityGroupId,
        args: ['backfill', '--dry-run'],
      }),
    })
  }
}

export interface RunTaskInputs {
  cluster: string
  family: string
  subnets: string[]
  securityGroup: string
  /** The CLI's arguments (the container's command after MIGRATOR_CLI). */
  args: string[]
}

/** The `aws ecs run-task` command line of the backfill task (tokens resolve at deploy time). */
export function runTaskCommand(inputs: RunTaskInputs): string {
  const overrides = JSON.stringify({ containerOverrides: [{ name: 'migrator', command: [...MIGRATOR_CLI, ...inputs.args] }] })
  return Fn.join('', [
    `aws ecs run-task --cluster `,
    inputs.cluster,
    ` --task-definition ${inputs.family} --launch-type FARGATE --count 1`,
    ` --network-configuration 'awsvpcConfiguration={subnets=[`,
    Fn.join(',', inputs.subnets),
    `],securityGroups=[`,
    inputs.securityGroup,
    `],assignPublicIp=DISABLED}'`,
    ` --overrides '${overrides}'`,
  ])
}
