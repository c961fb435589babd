// The network and compute stacks of one synthesized stage (context values other than the defaults,
// to see them honored).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Match } from 'aws-cdk-lib/assertions'
import {
  calleesOf,
  callerTokenVar,
  callersOf,
  portVar,
  SERVICE_NAMES,
  SERVICES,
  servicePairs,
  tokenVar,
  urlVar,
  type ServiceName,
} from '@f1/contracts/services'
import { CONSUMERS, type Consumer } from '@f1/events/rules'
import { backfillFamily, EVENT_DEAD_LETTER_ACTIONS, EVENT_QUEUE_ACTIONS } from '../src/compute-stack.ts'
import { HEALTH_PROBE, MIGRATOR_CLI } from '../src/images.ts'
import { DOCKERFILE, REPO_ROOT } from '../src/repository.ts'
import { isConsumer, SHUTDOWN_TIMEOUT_MS, SIMULATION_JOBS } from '../src/service-env.ts'
import { SERVICE_SIZES } from '../src/service-sizes.ts'
import { COLLECTOR_CONTAINER, COLLECTOR_IMAGE, XRAY_WRITE_ACTIONS } from '../src/trace-collector.ts'
import {
  JOB_QUEUE_ACTIONS,
  JOB_QUEUE_MAX_RECEIVE_COUNT,
  JOB_SCALE_IN_COOLDOWN,
  JOBS_PER_TASK_TARGET,
  OLDEST_JOB_AGE_THRESHOLD,
} from '../src/simulation-jobs.ts'
import { list, resources, stageContext, synthesizeAll, type Resource } from './helper.ts'

const synthesized = synthesizeAll({
  ...stageContext('staging'),
  natGateways: '2',
  logRetentionDays: '90',
  gatewayMaxTasks: '12',
  migratorMinTasks: '2',
  appOrigin: 'https://console.example.com',
  traceSampleRatio: '0.2',
})
const { stacks, network, compute } = synthesized

interface Container {
  Name: string
  Environment: { Name: string; Value: unknown }[]
  Secrets: { Name: string; ValueFrom: unknown }[]
  Command?: string[]
  PortMappings?: { Name: string; ContainerPort: number; AppProtocol: string }[]
  HealthCheck?: { Command: string[] }
  StopTimeout?: number
  LogConfiguration: { Options: Record<string, unknown> }
  DependsOn?: { ContainerName: string; Condition: string }[]
}

const taskDefinitions = resources(compute, 'AWS::ECS::TaskDefinition')
const byFamily = (family: string): [string, Resource] => {
  const found = Object.entries(taskDefinitions).find(([, r]) => r.Properties?.Family === family)
  if (!found) throw new Error(`no task definition ${family}`)
  return found
}
const taskDefinitionOf = (service: ServiceName) => byFamily(`f1-${service}-staging`)
const containerOf = (family: string): Container => (byFamily(family)[1].Properties?.ContainerDefinitions as Container[])[0]!
const container = (service: ServiceName) => containerOf(`f1-${service}-staging`)
const envOf = (c: Container) => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]))
const secretsOf = (c: Container) => Object.fromEntries(c.Secrets.map((s) => [s.Name, JSON.stringify(s.ValueFrom)]))
const ecsServices = resources(compute, 'AWS::ECS::Service')
const serviceOf = (service: ServiceName) => {
  const found = Object.entries(ecsServices).find(([, r]) => r.Properties?.ServiceName === service)
  if (!found) throw new Error(`no ECS service ${service}`)
  return found
}
const ref = (logicalId: string) => ({ Ref: logicalId })
const getAttId = (value: unknown) => ((value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'] ?? [])[0]

/** The statements of the inline policies attached to an IAM role. */
const statementsOf = (roleId: string) =>
  Object.values(resources(compute, 'AWS::IAM::Policy'))
    .filter((p) => list(p.Properties?.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(ref(roleId))))
    .flatMap((p) =>
      list(
        (p.Properties?.PolicyDocument as { Statement: { Sid?: string; Action: unknown; Resource: unknown; Effect: string }[] }).Statement,
      ),
    )
const taskRoleId = (family: string) => getAttId(byFamily(family)[1].Properties?.TaskRoleArn)

/** What the events stack exports for a consumer's queue (`Arn` or the URL, `Ref`), as the compute stack imports it. */
const eventsExport = (consumer: Consumer, which: 'queue' | 'deadLetterQueue', attribute: 'Arn' | 'Ref') => {
  const id = stacks.events.getLogicalId(stacks.events.eventQueues[consumer][which].node.defaultChild as never)
  return new RegExp(`^f1-events-staging:ExportsOutput${attribute === 'Arn' ? `FnGetAtt${id}Arn` : `Ref${id}`}[0-9A-F]{8}$`)
}

/** The secrets an IAM role may read, as the JSON of each resource. */
const secretsReadBy = (roleId: string): string[] =>
  Object.values(resources(compute, 'AWS::IAM::Policy'))
    .filter((p) => list(p.Properties?.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(ref(roleId))))
    .flatMap((p) => list((p.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement))
    .filter((s) => list(s.Action as string[]).includes('secretsmanager:GetSecretValue'))
    .flatMap((s) => list(s.Resource).map((r) => JSON.stringify(r)))

t.test('a VPC over two AZs, public and private subnets, the NAT count from context, flow logs kept as long as the logs', async () => {
  network.resourceCountIs('AWS::EC2::VPC', 1)
  network.resourceCountIs('AWS::EC2::Subnet', 4)
  network.resourceCountIs('AWS::EC2::NatGateway', 2)
  network.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' })
  network.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/f1/staging/vpc-flow-logs', RetentionInDays: 90 })
})

t.test('DynamoDB and S3 traffic skips the NAT through gateway endpoints on the private route tables', async (t) => {
  const endpoints = Object.values(resources(network, 'AWS::EC2::VPCEndpoint')).map((r) => r.Properties!)
  for (const service of ['dynamodb', 's3']) {
    const endpoint = endpoints.find((e) => JSON.stringify(e.ServiceName).includes(`".${service}"`))
    t.match(endpoint, { VpcEndpointType: 'Gateway' }, service)
    const tables = list(endpoint?.RouteTableIds as unknown[]).map((r) => JSON.stringify(r))
    t.equal(tables.filter((r) => r.includes('privateSubnet')).length, 2, `${service} is routed from both private subnets`)
  }
})

t.test('only the load balancer reaches the gateway; a service accepts exactly the services that call it, on its port', async (t) => {
  const groupId = (id: string) => ({ 'Fn::GetAtt': [id, 'GroupId'] })
  const groupIds = Object.fromEntries(
    SERVICE_NAMES.map((s) => [s, stacks.network.getLogicalId(stacks.network.serviceSecurityGroups[s].node.defaultChild as never)]),
  ) as Record<ServiceName, string>
  const lbGroup = stacks.network.getLogicalId(stacks.network.loadBalancerSecurityGroup.node.defaultChild as never)
  const ingress = Object.values(resources(network, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties!)
  for (const service of SERVICE_NAMES) {
    const rules = ingress.filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(groupId(groupIds[service])))
    const sources = rules.map((r) => getAttId(r.SourceSecurityGroupId)).sort()
    const expected = service === 'gateway' ? [lbGroup] : callersOf(service).map((c) => groupIds[c])
    t.same(
      sources,
      expected.sort(),
      `${service} accepts ${service === 'gateway' ? 'the load balancer' : callersOf(service).join(', ')} only`,
    )
    for (const rule of rules)
      t.match(rule, { IpProtocol: 'tcp', FromPort: SERVICES[service].defaultPort, ToPort: SERVICES[service].defaultPort })
    t.notOk(
      rules.some((r) => 'CidrIp' in r),
      `${service} accepts no address range`,
    )
  }
  const usageSources = ingress
    .filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(groupId(groupIds['usage-service'])))
    .map((r) => getAttId(r.SourceSecurityGroupId))
  t.notOk(usageSources.includes(groupIds['action-log-service']), 'usage-service does not accept action-log-service, which does not call it')
  network.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
    GroupId: groupId(lbGroup),
    DestinationSecurityGroupId: groupId(groupIds.gateway),
    FromPort: 3000,
    ToPort: 3000,
  })
  network.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1)
})

t.test('one cluster with Container Insights and a Service Connect namespace of the stage', async () => {
  compute.hasResourceProperties('AWS::ECS::Cluster', {
    ClusterName: 'f1-cluster-staging',
    ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    ServiceConnectDefaults: { Namespace: Match.anyValue() },
  })
  compute.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: 'staging.f1.internal' })
})

t.test('six Fargate services in the private subnets, each in its own security group, with a rolling-back circuit breaker', async (t) => {
  t.equal(Object.keys(ecsServices).length, SERVICE_NAMES.length)
  for (const service of SERVICE_NAMES) {
    const [, resource] = serviceOf(service)
    t.match(resource.Properties, {
      LaunchType: 'FARGATE',
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    })
    const groups = (resource.Properties?.NetworkConfiguration as { AwsvpcConfiguration: { SecurityGroups: unknown[]; Subnets: unknown[] } })
      .AwsvpcConfiguration
    t.equal(groups.SecurityGroups.length, 1)
    t.match(
      JSON.stringify(groups.SecurityGroups[0]),
      `f1-network-staging:ExportsOutputFnGetAtt${stacks.network.getLogicalId(stacks.network.serviceSecurityGroups[service].node.defaultChild as never)}`,
    )
    t.ok(
      groups.Subnets.every((s) => JSON.stringify(s).includes('privateSubnet')),
      `${service} runs in private subnets`,
    )
  }
})

t.test('every called app is a Service Connect server under its own name and port; the gateway is a client only', async (t) => {
  for (const service of SERVICE_NAMES) {
    const config = serviceOf(service)[1].Properties?.ServiceConnectConfiguration as {
      Enabled: boolean
      Namespace: string
      Services?: unknown[]
    }
    t.match(config, { Enabled: true, Namespace: 'staging.f1.internal' }, service)
    if (callersOf(service).length === 0) {
      t.equal(service, 'gateway')
      t.notOk(config.Services, 'the gateway offers no endpoint')
    } else {
      t.match(config.Services, [
        { PortName: 'http', DiscoveryName: service, ClientAliases: [{ DnsName: service, Port: SERVICES[service].defaultPort }] },
      ])
    }
  }
  t.match(
    serviceOf('simulation-service')[1].Properties?.ServiceConnectConfiguration,
    {
      Services: [{ Timeout: { PerRequestTimeoutSeconds: 130 } }],
    },
    "the proxy waits longer than the gateway's 120 s simulation timeout",
  )
  for (const service of SERVICE_NAMES) {
    const [id] = serviceOf(service)
    const dependsOn = (compute.toJSON().Resources[id] as { DependsOn?: string[] }).DependsOn ?? []
    for (const callee of calleesOf(service)) t.ok(dependsOn.includes(serviceOf(callee)[0]), `${service} starts after ${callee}`)
  }
})

t.test("each container: its port mapping, a /health check without curl, a stop timeout above the app's shutdown time, logs", async (t) => {
  for (const service of SERVICE_NAMES) {
    const c = container(service)
    const port = SERVICES[service].defaultPort
    t.same(c.PortMappings, [{ Name: 'http', ContainerPort: port, AppProtocol: 'http', Protocol: 'tcp' }])
    t.same(c.HealthCheck?.Command, [...HEALTH_PROBE])
    t.ok(c.StopTimeout! * 1000 > SHUTDOWN_TIMEOUT_MS, `${service} stop timeout ${c.StopTimeout} s`)
    t.equal(envOf(c).SHUTDOWN_TIMEOUT_MS, String(SHUTDOWN_TIMEOUT_MS))
    t.match(c.LogConfiguration.Options, { 'awslogs-stream-prefix': service })
    compute.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/f1/staging/${service}`, RetentionInDays: 90 })
  }
})

t.test(
  "each app task has a trace collector beside the app: not essential, started first, its config and logs, and X-Ray's writes",
  async (t) => {
    for (const service of SERVICE_NAMES) {
      const containers = taskDefinitionOf(service)[1].Properties?.ContainerDefinitions as Array<Container & Record<string, unknown>>
      const collector = containers.find((c) => c.Name === COLLECTOR_CONTAINER)
      t.ok(collector, `${service} has a collector`)
      t.equal(collector?.Image, COLLECTOR_IMAGE)
      t.equal(collector?.Essential, false, 'a stopped collector costs spans, never requests')
      t.same(
        (collector?.HealthCheck)?.Command,
        ['CMD', '/healthcheck'],
        'run directly: the image has no shell',
      )
      t.match(collector?.LogConfiguration.Options, { 'awslogs-stream-prefix': COLLECTOR_CONTAINER })
      const config = JSON.stringify(envOf(collector as Container).AOT_CONFIG_CONTENT)
      t.match(config, /endpoint: 127\.0\.0\.1:4318/, 'it listens on the loopback only')
      t.match(config, /awsxray/)
      t.same(container(service).DependsOn, [{ ContainerName: COLLECTOR_CONTAINER, Condition: 'START' }])
      const writes = statementsOf(taskRoleId(`f1-${service}-staging`)).find((s) => s.Sid === 'WriteTraces')
      t.same(list(writes?.Action as string[]), [...XRAY_WRITE_ACTIONS])
    }
    const backfill = byFamily(backfillFamily('staging'))[1].Properties?.ContainerDefinitions as Container[]
    t.equal(backfill.length, 1, 'the backfill task (a CLI, untraced) runs alone')
    t.equal(envOf(container('gateway')).OTEL_TRACES_SAMPLER_ARG, '0.2', 'the share of new traces from context')
  },
)

t.test('traceSampleRatio: 5 % of new traces unless the context says, and only a share from 0 to 1', async (t) => {
  const defaults = resources(synthesizeAll(stageContext('staging')).compute, 'AWS::ECS::TaskDefinition')
  const gateway = Object.values(defaults).find((r) => r.Properties?.Family === 'f1-gateway-staging')!
  t.equal(envOf((gateway.Properties?.ContainerDefinitions as Container[])[0]!).OTEL_TRACES_SAMPLER_ARG, '0.05')
  for (const bad of ['1.5', '-0.1', 'half']) {
    t.throws(
      () => synthesizeAll({ ...stageContext('staging'), traceSampleRatio: bad }),
      /traceSampleRatio must be a number from 0 to 1/,
      String(bad),
    )
  }
})

t.test('sizes: simulation-service gets the most CPU for its Monte Carlo workers', async (t) => {
  for (const service of SERVICE_NAMES) {
    t.match(taskDefinitionOf(service)[1].Properties, {
      Cpu: String(SERVICE_SIZES[service].cpu),
      Memory: String(SERVICE_SIZES[service].memoryMiB),
    })
  }
  const cpus = SERVICE_NAMES.map((s) => SERVICE_SIZES[s].cpu)
  t.equal(SERVICE_SIZES['simulation-service'].cpu, Math.max(...cpus))
})

t.test('the stack wires each caller to its callees: URLs by Service Connect name, never hand-typed', async (t) => {
  for (const service of SERVICE_NAMES) {
    const env = envOf(container(service))
    t.equal(env[portVar(service)], String(SERVICES[service].defaultPort))
    for (const callee of calleesOf(service)) t.equal(env[urlVar(callee)], `http://${callee}:${SERVICES[callee].defaultPort}`)
  }
  t.match(envOf(container('gateway')), {
    TRUST_PROXY: '1',
    APP_ORIGINS: {
      'Fn::Join': ['', ['https://console.example.com,https://', { 'Fn::ImportValue': /^f1-web-staging:ExportsOutputFnGetAttConsole/ }]],
    },
    STAGE: 'staging',
    USER_USAGE_TABLE: undefined,
    GATEWAY_TABLE: 'f1-gateway-staging',
  })
  t.match(envOf(container('subscription-service')), { STRIPE_PRICE_PRO: 'price_1ProTest', STRIPE_PRICE_TEAM: 'price_1TeamTest' })
  t.same(envOf(container('usage-service')).AWS_REGION, { Ref: 'AWS::Region' })
})

t.test('one token secret per pair: the caller and the callee read the same one, nobody else', async (t) => {
  for (const { caller, callee } of servicePairs()) {
    const held = secretsOf(container(caller))[tokenVar(callee)]
    t.ok(held, `${caller} holds ${tokenVar(callee)}`)
    t.equal(secretsOf(container(callee))[callerTokenVar(caller)], held, `${callee} reads it as ${callerTokenVar(caller)}`)
    const holders = SERVICE_NAMES.filter((s) => Object.values(secretsOf(container(s))).includes(held!))
    t.same(holders.sort(), [caller, callee].sort())
  }
  const gatewayUsage = secretsOf(container('gateway')).USAGE_SERVICE_TOKEN
  t.equal(secretsOf(container('usage-service')).TOKEN_FROM_GATEWAY, gatewayUsage)
  t.not(
    secretsOf(container('simulation-service')).USAGE_SERVICE_TOKEN,
    gatewayUsage,
    "simulation-service's token to usage-service is its own",
  )
  t.same(Object.keys(secretsOf(container('action-log-service'))).sort(), ['TOKEN_FROM_GATEWAY'])
  compute.hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: 'f1/staging/service-token/gateway-to-usage-service',
    GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
  })
  compute.resourceCountIs('AWS::SecretsManager::Secret', servicePairs().length + 3)
})

t.test(
  "no app gets EVENT_BUS_SECRET (no POST /events in AWS); the gateway reads its JWT key; subscription-service Stripe's secrets",
  async (t) => {
    for (const service of SERVICE_NAMES) {
      t.notOk(secretsOf(container(service)).EVENT_BUS_SECRET, `${service} has no bus secret`)
      t.notOk('EVENT_BUS_SECRET' in envOf(container(service)), `${service} has no bus secret in its env`)
    }
    t.ok(secretsOf(container('gateway')).JWT_SECRET)
    compute.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'f1/staging/gateway/jwt-secret' })
    compute.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'f1/staging/subscription-service/stripe-secret-key' })
    compute.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'f1/staging/subscription-service/stripe-webhook-secret' })
    t.same(Object.keys(secretsOf(container('subscription-service'))).sort(), [
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'TOKEN_FROM_GATEWAY',
    ])
  },
)

t.test('each execution role may read exactly the secrets its task gets', async (t) => {
  for (const [id, taskDefinition] of Object.entries(taskDefinitions)) {
    const roleId = getAttId(taskDefinition.Properties?.ExecutionRoleArn)
    const given = (taskDefinition.Properties?.ContainerDefinitions as Container[]).flatMap((c) =>
      (c.Secrets ?? []).map((s) => JSON.stringify(s.ValueFrom)),
    )
    t.same(secretsReadBy(roleId).sort(), [...new Set(given)].sort(), String(taskDefinition.Properties?.Family ?? id))
  }
})

t.test("each task role is its app's table policy from the access stack and, for a consumer, its own queues: nothing else", async (t) => {
  for (const service of SERVICE_NAMES) {
    const roleId = getAttId(taskDefinitionOf(service)[1].Properties?.TaskRoleArn)
    const role = resources(compute, 'AWS::IAM::Role')[roleId]!
    const policyId = stacks.access.getLogicalId(stacks.access.policies[service].node.defaultChild as never)
    const arns = role.Properties?.ManagedPolicyArns as { 'Fn::ImportValue': string }[]
    t.equal(arns.length, 1, service)
    t.ok(arns[0]!['Fn::ImportValue'].startsWith(`f1-access-staging:ExportsOutputRef${policyId}`), `${service} gets its own policy`)
    t.same(secretsReadBy(roleId), [], `${service}'s code cannot read secrets itself`)
    const inline = statementsOf(roleId)
    const queues = isConsumer(service)
      ? ['ConsumeOwnEventQueue', 'DeadLetterOwnEvents']
      : service === 'simulation-service'
        ? ['UseSimulationJobQueue']
        : []
    const expected = [...queues, 'WriteTraces'].sort()
    t.same(
      inline.map((s) => s.Sid).sort(),
      expected,
      `${service}'s task role has ${queues.length > 0 ? 'its queue statements and' : ''} the trace writes only (no events:PutEvents: the relay puts)`,
    )
  }
})

t.test('each consumer reads only its own queue and sends only to its own dead-letter queue', async (t) => {
  for (const consumer of CONSUMERS) {
    const statements = statementsOf(taskRoleId(`f1-${consumer}-staging`))
    const consume = statements.find((s) => s.Sid === 'ConsumeOwnEventQueue')
    const deadLetter = statements.find((s) => s.Sid === 'DeadLetterOwnEvents')
    t.same(
      list(consume?.Action as string[]).sort(),
      [...EVENT_QUEUE_ACTIONS].sort(),
      `${consumer} receives, deletes, hides and reads attributes`,
    )
    t.same([...EVENT_QUEUE_ACTIONS].sort(), [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ])
    t.equal(consume?.Effect, 'Allow')
    t.match(
      (consume?.Resource as { 'Fn::ImportValue': string })['Fn::ImportValue'],
      eventsExport(consumer, 'queue', 'Arn'),
      `${consumer}'s queue`,
    )
    t.same(list(deadLetter?.Action as string[]), [...EVENT_DEAD_LETTER_ACTIONS])
    t.same([...EVENT_DEAD_LETTER_ACTIONS], ['sqs:SendMessage'])
    t.match(
      (deadLetter?.Resource as { 'Fn::ImportValue': string })['Fn::ImportValue'],
      eventsExport(consumer, 'deadLetterQueue', 'Arn'),
      `${consumer}'s DLQ`,
    )
    // No statement of its role names another consumer's queue or DLQ, or any queue by wildcard.
    const named = JSON.stringify(statements)
    for (const other of CONSUMERS.filter((c) => c !== consumer)) {
      for (const which of ['queue', 'deadLetterQueue'] as const) {
        const id = stacks.events.getLogicalId(stacks.events.eventQueues[other][which].node.defaultChild as never)
        t.notOk(named.includes(id), `${consumer} cannot touch ${other}'s ${which}`)
      }
    }
    t.notOk(
      statements.some((s) => s.Sid !== 'WriteTraces' && list(s.Resource).includes('*')),
      `${consumer} has no wildcard resource but X-Ray's writes (which have no resource type)`,
    )
  }
})

t.test('no other role may use SQS: other apps, execution roles and the backfill task get no SQS permission', async (t) => {
  const consumerTaskRoles = new Set(CONSUMERS.map((c) => taskRoleId(`f1-${c}-staging`)))
  const jobRunnerRole = taskRoleId('f1-simulation-service-staging')
  for (const [roleId] of Object.entries(resources(compute, 'AWS::IAM::Role'))) {
    if (consumerTaskRoles.has(roleId) || roleId === jobRunnerRole) continue
    const sqsActions = statementsOf(roleId).flatMap((s) => list(s.Action as string[]).filter((a) => a.startsWith('sqs:')))
    t.same(sqsActions, [], roleId)
  }
  t.notOk(consumerTaskRoles.has(taskRoleId(backfillFamily('staging'))), 'the backfill task has a role of its own')
  t.not(taskRoleId(backfillFamily('staging')), jobRunnerRole)
})

t.test(
  "each consumer's container gets its own queue's and DLQ's URLs, imported from the events stack; no other app gets any",
  async (t) => {
    for (const service of SERVICE_NAMES) {
      const env = envOf(container(service))
      if (isConsumer(service)) {
        t.match(env.EVENT_QUEUE_URL, { 'Fn::ImportValue': eventsExport(service, 'queue', 'Ref') }, `${service} EVENT_QUEUE_URL`)
        t.match(
          env.EVENT_DEAD_LETTER_QUEUE_URL,
          { 'Fn::ImportValue': eventsExport(service, 'deadLetterQueue', 'Ref') },
          `${service} EVENT_DEAD_LETTER_QUEUE_URL`,
        )
      } else {
        t.notOk('EVENT_QUEUE_URL' in env || 'EVENT_DEAD_LETTER_QUEUE_URL' in env, `${service} reads no queue`)
      }
      t.notOk('SQS_ENDPOINT' in env, `${service}: the real SQS endpoint`)
    }
  },
)

t.test('no API destination, connection or bus secret is left in any template', async (t) => {
  const templates = ['data', 'events', 'relay', 'access', 'network', 'loadBalancer', 'web', 'compute'] as const
  for (const name of templates) {
    const template = synthesized[name]
    t.same(Object.keys(resources(template, 'AWS::Events::ApiDestination')), [], `${name}: no API destination`)
    t.same(Object.keys(resources(template, 'AWS::Events::Connection')), [], `${name}: no connection`)
    const json = JSON.stringify(template.toJSON())
    t.notOk(/event-bus-secret|BusSecret|EVENT_BUS_SECRET|x-bus-secret/.test(json), `${name}: no bus secret, its policy or its variable`)
  }
})

t.test('the tasks reach SQS through the NAT like the other AWS APIs: gateway endpoints only, outbound open', async (t) => {
  const endpoints = Object.values(resources(network, 'AWS::EC2::VPCEndpoint')).map((r) => r.Properties!)
  t.same(
    endpoints.map((e) => e.VpcEndpointType),
    ['Gateway', 'Gateway'],
    'no interface endpoint (SQS included)',
  )
  for (const consumer of CONSUMERS) {
    const group = stacks.network.serviceSecurityGroups[consumer].node.defaultChild as never
    const groupId = stacks.network.getLogicalId(group)
    t.match(resources(network, 'AWS::EC2::SecurityGroup')[groupId]?.Properties?.SecurityGroupEgress, [
      { CidrIp: '0.0.0.0/0', IpProtocol: '-1' },
    ])
  }
})

t.test('autoscaling per service on CPU with task counts from context; the gateway also on requests per target', async (t) => {
  const targets = resources(compute, 'AWS::ApplicationAutoScaling::ScalableTarget')
  const expected: Record<ServiceName, [number, number]> = {
    gateway: [2, 12],
    'subscription-service': [2, 4],
    'usage-service': [2, 6],
    'action-log-service': [2, 4],
    'simulation-service': [2, 8],
    migrator: [2, 2],
  }
  for (const service of SERVICE_NAMES) {
    const [serviceId, ecsService] = serviceOf(service)
    const target = Object.entries(targets).find(([, r]) => JSON.stringify(r.Properties?.ResourceId).includes(`"${serviceId}"`))
    t.ok(target, `${service} scales`)
    t.match(target![1].Properties, { MinCapacity: expected[service][0], MaxCapacity: expected[service][1] }, service)
    t.equal(ecsService.Properties?.DesiredCount, expected[service][0])
    compute.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      ScalingTargetId: { Ref: target![0] },
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    })
  }
  compute.resourcePropertiesCountIs(
    'AWS::ApplicationAutoScaling::ScalingPolicy',
    {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    },
    1,
  )
})

t.test("the gateway registers in the load balancer's target group, with a grace period for its first health checks", async (t) => {
  t.match(serviceOf('gateway')[1].Properties, {
    LoadBalancers: [{ ContainerName: 'gateway', ContainerPort: 3000, TargetGroupArn: { 'Fn::ImportValue': /^f1-lb-staging:/ } }],
    HealthCheckGracePeriodSeconds: 60,
  })
  for (const service of SERVICE_NAMES.filter((s) => s !== 'gateway')) t.notOk(serviceOf(service)[1].Properties?.LoadBalancers, service)
})

t.test("the migrator's one-off task runs the backfill CLI with the migrator service's env, secrets and policy", async (t) => {
  const backfill = containerOf(backfillFamily('staging'))
  const service = container('migrator')
  t.same(backfill.Command, [...MIGRATOR_CLI, 'backfill'])
  t.same(envOf(backfill), envOf(service))
  t.same(secretsOf(backfill), secretsOf(service))
  t.notOk(backfill.PortMappings, 'a task, not a server')
  const taskRole = (family: string) =>
    resources(compute, 'AWS::IAM::Role')[getAttId(byFamily(family)[1].Properties?.TaskRoleArn)]!.Properties?.ManagedPolicyArns
  t.same(taskRole(backfillFamily('staging')), taskRole('f1-migrator-staging'))
  t.match(backfill.LogConfiguration.Options, { 'awslogs-stream-prefix': 'backfill' })
})

t.test('outputs: the cluster and the exact run-task command of the backfill', async (t) => {
  const outputs = compute.toJSON().Outputs as Record<string, { Value: unknown }>
  t.same(outputs.ClusterName?.Value, { Ref: stacks.compute.getLogicalId(stacks.compute.cluster.node.defaultChild as never) })
  const command = JSON.stringify(outputs.MigratorRunTask?.Value)
  t.match(command, 'aws ecs run-task --cluster ')
  t.match(command, '--task-definition f1-migrator-backfill-staging --launch-type FARGATE')
  t.match(command, 'privateSubnet1')
  t.match(command, 'assignPublicIp=DISABLED')
  t.match(
    command,
    `ExportsOutputFnGetAtt${stacks.network.getLogicalId(stacks.network.serviceSecurityGroups.migrator.node.defaultChild as never)}`,
  )
  t.match(
    command,
    JSON.stringify(
      `--overrides '{"containerOverrides":[{"name":"migrator","command":["node","--enable-source-maps","dist/bin/migrator.js","backfill","--dry-run"]}]}'`,
    ).slice(1, -1),
  )
})

t.test("the containers' health check is the image's own HEALTHCHECK (deploy/Dockerfile)", async (t) => {
  const dockerfile = readFileSync(join(REPO_ROOT, DOCKERFILE), 'utf8')
  const probe = /^HEALTHCHECK .*\bCMD (\[.*\])$/m.exec(dockerfile)?.[1]
  t.ok(probe, 'the Dockerfile has a HEALTHCHECK in exec form')
  t.same(['CMD', ...(JSON.parse(probe ?? '[]') as string[])], [...HEALTH_PROBE])
})

// simulation-service's job queue (src/simulation-jobs.ts).
const jobQueueId = stacks.compute.getLogicalId(stacks.compute.jobQueue.queue.node.defaultChild as never)
const jobDeadLetterQueueId = stacks.compute.getLogicalId(stacks.compute.jobQueue.deadLetterQueue.node.defaultChild as never)
const queuePolicyOf = (queueId: string) => {
  const policies = Object.values(resources(compute, 'AWS::SQS::QueuePolicy')).filter((p) =>
    list(p.Properties?.Queues as unknown[]).some((q) => JSON.stringify(q) === JSON.stringify(ref(queueId))),
  )
  return policies.flatMap((p) => list((p.Properties?.PolicyDocument as { Statement: { Effect: string }[] }).Statement))
}
const alarmOnQueue = (queueId: string, metricName: string) => {
  const found = Object.values(resources(compute, 'AWS::CloudWatch::Alarm')).filter(
    (a) =>
      a.Properties?.MetricName === metricName &&
      JSON.stringify(a.Properties?.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
  )
  if (found.length !== 1) throw new Error(`${found.length} ${metricName} alarms on ${queueId}`)
  return found[0]!.Properties
}

t.test(
  'the job queue and its DLQ: named for the stage, SSE-SQS, TLS only; redrive after 120 receives; the DLQ keeps 14 days',
  async (t) => {
    t.equal(Object.keys(resources(compute, 'AWS::SQS::Queue')).length, 2, 'the job queue and its DLQ, in the compute stack')
    t.strictSame(resources(compute, 'AWS::SQS::Queue')[jobQueueId]?.Properties, {
      QueueName: 'f1-simulation-jobs-staging',
      // Each receive sets its own (the lease); this is only a default, the lease's 30 s.
      VisibilityTimeout: 30,
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [jobDeadLetterQueueId, 'Arn'] }, maxReceiveCount: 120 },
      SqsManagedSseEnabled: true,
    })
    t.strictSame(resources(compute, 'AWS::SQS::Queue')[jobDeadLetterQueueId]?.Properties, {
      QueueName: 'f1-simulation-jobs-dlq-staging',
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    })
    for (const id of [jobQueueId, jobDeadLetterQueueId]) {
      t.match(
        queuePolicyOf(id),
        [{ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        `${id} refuses requests without TLS`,
      )
    }
  },
)

t.test('the redrive catches only what the runners cannot settle: 120 is above every receive count of a job they settle', async (t) => {
  const { leaseMs, maxMs, maxAttempts } = SIMULATION_JOBS
  // Its attempts (and the receive that fails it past them), with room for a few releases on shutdown.
  t.ok(JOB_QUEUE_MAX_RECEIVE_COUNT > 10 * (maxAttempts + 1), 'well above the attempts')
  // A message whose job another runner holds: hidden for what is left of a lease renewed every third of it, plus 1 s.
  const heldEvery = (leaseMs * 2) / 3 + 1000
  t.ok(
    JOB_QUEUE_MAX_RECEIVE_COUNT >= Math.ceil(maxMs / heldEvery),
    `above a held message's receives over a job's life (${Math.ceil(maxMs / heldEvery)})`,
  )
  // A message whose item is not stored yet: every 5 s until it is 2 minutes old, then deleted.
  t.ok(JOB_QUEUE_MAX_RECEIVE_COUNT > 120_000 / 5000 + 1, 'above the receives of a message of no job')
  // What gets there was left to reappear after each receive's lease: its deadline is past by then.
  t.ok(JOB_QUEUE_MAX_RECEIVE_COUNT * leaseMs > maxMs, 'a dead-lettered job is past its deadline')
  t.ok(JOB_QUEUE_MAX_RECEIVE_COUNT <= 1000, "SQS's maximum")
})

t.test('only the simulation-service may use the job queue: its task role, the five actions, on the queue alone', async (t) => {
  const roleId = taskRoleId('f1-simulation-service-staging')
  const statement = statementsOf(roleId).find((s) => s.Sid === 'UseSimulationJobQueue')
  t.same(list(statement?.Action as string[]).sort(), [...JOB_QUEUE_ACTIONS].sort())
  t.same([...JOB_QUEUE_ACTIONS].sort(), [
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:ReceiveMessage',
    'sqs:SendMessage',
  ])
  t.equal(statement?.Effect, 'Allow')
  t.same(statement?.Resource, { 'Fn::GetAtt': [jobQueueId, 'Arn'] }, 'the job queue, not its DLQ, no wildcard')
  // No other statement of any policy in the stack names the job queue or its DLQ.
  const mentions = Object.entries(resources(compute, 'AWS::IAM::Policy')).flatMap(([policyId, p]) =>
    list((p.Properties?.PolicyDocument as { Statement: { Sid?: string; Resource: unknown }[] }).Statement)
      .filter((s) => JSON.stringify(s.Resource).includes(jobQueueId) || JSON.stringify(s.Resource).includes(jobDeadLetterQueueId))
      .map((s) => ({ policyId, roles: p.Properties?.Roles, sid: s.Sid })),
  )
  t.same(
    mentions.map((m) => [m.roles, m.sid]),
    [[[ref(roleId)], 'UseSimulationJobQueue']],
    'one statement, on its task role only',
  )
  // The queues' policies grant nobody anything (TLS-only denies), and no other stack knows the queue.
  for (const id of [jobQueueId, jobDeadLetterQueueId])
    t.same(
      queuePolicyOf(id).filter((s) => s.Effect !== 'Deny'),
      [],
      id,
    )
  for (const name of ['data', 'events', 'relay', 'access', 'network', 'loadBalancer', 'web'] as const) {
    t.notOk(JSON.stringify(synthesized[name].toJSON()).includes('simulation-jobs'), `${name} has nothing on the job queue`)
  }
  t.notOk(
    statementsOf(taskRoleId(backfillFamily('staging'))).some((s) => list(s.Action as string[]).some((a) => a.startsWith('sqs:'))),
    'the backfill task gets nothing of it',
  )
})

t.test(
  "simulation-service's container gets the job queue's URL from this stack and its job settings; no other container gets them",
  async (t) => {
    t.match(envOf(container('simulation-service')), {
      SIMULATION_JOB_QUEUE_URL: ref(jobQueueId),
      SIMULATION_JOB_CONCURRENCY: String(SIMULATION_JOBS.concurrency),
      SIMULATION_JOB_MAX_MS: String(SIMULATION_JOBS.maxMs),
      SIMULATION_JOB_LEASE_MS: String(SIMULATION_JOBS.leaseMs),
      SIMULATION_JOB_MAX_ATTEMPTS: String(SIMULATION_JOBS.maxAttempts),
    })
    t.notOk('SQS_ENDPOINT' in envOf(container('simulation-service')), 'the real SQS endpoint')
    t.notOk(secretsOf(container('simulation-service')).SIMULATION_JOB_QUEUE_URL, 'a plain variable, not a secret')
    const families = Object.values(taskDefinitions).map((r) => String(r.Properties?.Family))
    for (const family of families.filter((f) => f !== 'f1-simulation-service-staging')) {
      const env = envOf(containerOf(family))
      t.same(
        Object.keys(env).filter((k) => k.startsWith('SIMULATION_JOB')),
        [],
        `${family} has no job variable`,
      )
      t.notOk(JSON.stringify(env).includes(jobQueueId), `${family} does not name the job queue`)
    }
  },
)

t.test('simulation-service also scales on open jobs per task (target tracking, metric math), and scales in slowly', async (t) => {
  const [serviceId] = serviceOf('simulation-service')
  const targets = resources(compute, 'AWS::ApplicationAutoScaling::ScalableTarget')
  const [targetId] = Object.entries(targets).find(([, r]) => JSON.stringify(r.Properties?.ResourceId).includes(`"${serviceId}"`))!
  const policies = Object.values(resources(compute, 'AWS::ApplicationAutoScaling::ScalingPolicy')).filter(
    (p) => JSON.stringify(p.Properties?.ScalingTargetId) === JSON.stringify(ref(targetId)),
  )
  t.equal(policies.length, 2, 'CPU and jobs per task')
  t.ok(
    policies.some((p) => JSON.stringify(p.Properties).includes('ECSServiceAverageCPUUtilization')),
    'the CPU policy stays',
  )
  const jobs = policies.find(
    (p) => p.Properties?.TargetTrackingScalingPolicyConfiguration && JSON.stringify(p.Properties).includes('Metrics'),
  )
  t.equal(jobs?.Properties?.PolicyType, 'TargetTrackingScaling')
  const queueDimensions = [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [jobQueueId, 'QueueName'] } }]
  t.strictSame(jobs?.Properties?.TargetTrackingScalingPolicyConfiguration, {
    // One open job per task: the jobs a task runs at once.
    TargetValue: 1,
    ScaleOutCooldown: 60,
    ScaleInCooldown: 900,
    // Scale-in stays on: Application Auto Scaling scales in only when every target tracking policy
    // agrees, so the CPU policy cannot take the service below its open jobs.
    DisableScaleIn: false,
    CustomizedMetricSpecification: {
      Metrics: [
        {
          Id: 'waiting',
          MetricStat: {
            Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: queueDimensions },
            Stat: 'Average',
          },
          ReturnData: false,
        },
        {
          Id: 'running',
          MetricStat: {
            Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesNotVisible', Dimensions: queueDimensions },
            Stat: 'Average',
          },
          ReturnData: false,
        },
        {
          Id: 'tasks',
          MetricStat: {
            Metric: {
              Namespace: 'ECS/ContainerInsights',
              MetricName: 'RunningTaskCount',
              Dimensions: [
                { Name: 'ClusterName', Value: { Ref: stacks.compute.getLogicalId(stacks.compute.cluster.node.defaultChild as never) } },
                { Name: 'ServiceName', Value: 'simulation-service' },
              ],
            },
            Stat: 'Average',
          },
          ReturnData: false,
        },
        { Id: 'jobs_per_task', Expression: '(waiting + running) / tasks', Label: 'Open jobs per running task', ReturnData: true },
      ],
    },
  })
  t.equal(JOBS_PER_TASK_TARGET, SIMULATION_JOBS.concurrency, 'the target is the jobs a task runs at once')
  t.ok(JOB_SCALE_IN_COOLDOWN.toMinutes() >= 15, 'scale-in at most every 15 minutes')
  // Container Insights publishes RunningTaskCount.
  compute.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] })
  // No other service scales on the job queue.
  const onJobs = Object.values(resources(compute, 'AWS::ApplicationAutoScaling::ScalingPolicy')).filter((p) =>
    JSON.stringify(p.Properties).includes(jobQueueId),
  )
  t.equal(onJobs.length, 1)
})

t.test('alarms when the job DLQ holds a message and when a job has waited past its deadline and 5 minutes', async (t) => {
  t.match(alarmOnQueue(jobDeadLetterQueueId, 'ApproximateNumberOfMessagesVisible'), {
    AlarmName: 'f1-simulation-jobs-dlq-not-empty-staging',
    Namespace: 'AWS/SQS',
    Statistic: 'Maximum',
    Period: 300,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
  })
  t.equal(OLDEST_JOB_AGE_THRESHOLD.toSeconds(), 35 * 60)
  t.match(alarmOnQueue(jobQueueId, 'ApproximateAgeOfOldestMessage'), {
    AlarmName: 'f1-simulation-jobs-too-old-staging',
    Namespace: 'AWS/SQS',
    Statistic: 'Maximum',
    Period: 300,
    Threshold: 2100,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
  })
  t.ok(
    OLDEST_JOB_AGE_THRESHOLD.toMilliseconds() > SIMULATION_JOBS.maxMs + SIMULATION_JOBS.leaseMs,
    "above a job's deadline and a dead runner's lease",
  )
  t.equal(Object.keys(resources(compute, 'AWS::CloudWatch::Alarm')).length, 2, 'no other alarm in the compute stack')
})
