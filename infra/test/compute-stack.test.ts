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
import { CONSUMERS } from '@f1/events/rules'
import { backfillFamily } from '../src/compute-stack.ts'
import { HEALTH_PROBE, MIGRATOR_CLI } from '../src/images.ts'
import { DOCKERFILE, REPO_ROOT } from '../src/repository.ts'
import { SHUTDOWN_TIMEOUT_MS } from '../src/service-env.ts'
import { SERVICE_SIZES } from '../src/service-sizes.ts'
import { list, resources, stageContext, synthesizeAll, type Resource } from './helper.ts'

const { stacks, network, compute } = synthesizeAll({
  ...stageContext('staging'),
  natGateways: '2',
  logRetentionDays: '90',
  gatewayMaxTasks: '12',
  migratorMinTasks: '2',
  appOrigin: 'https://console.example.com',
})

interface Container {
  Name: string
  Environment: { Name: string; Value: unknown }[]
  Secrets: { Name: string; ValueFrom: unknown }[]
  Command?: string[]
  PortMappings?: { Name: string; ContainerPort: number; AppProtocol: string }[]
  HealthCheck?: { Command: string[] }
  StopTimeout?: number
  LogConfiguration: { Options: Record<string, unknown> }
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
  t.same(Object.keys(secretsOf(container('action-log-service'))).sort(), ['EVENT_BUS_SECRET', 'TOKEN_FROM_GATEWAY'])
  compute.hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: 'f1/staging/service-token/gateway-to-usage-service',
    GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
  })
  compute.resourceCountIs('AWS::SecretsManager::Secret', servicePairs().length + 3)
})

t.test("the consumers read the events stack's bus secret; the gateway its JWT key; subscription-service Stripe's secrets", async (t) => {
  for (const service of SERVICE_NAMES) {
    const secrets = secretsOf(container(service))
    if ((CONSUMERS as readonly string[]).includes(service)) t.match(secrets.EVENT_BUS_SECRET, /f1-events-staging:ExportsOutputRefBusSecret/)
    else t.notOk(secrets.EVENT_BUS_SECRET, `${service} has no bus secret`)
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
})

t.test('each execution role may read exactly the secrets its task gets', async (t) => {
  for (const [id, taskDefinition] of Object.entries(taskDefinitions)) {
    const roleId = getAttId(taskDefinition.Properties?.ExecutionRoleArn)
    const given = (taskDefinition.Properties?.ContainerDefinitions as Container[]).flatMap((c) =>
      c.Secrets.map((s) => JSON.stringify(s.ValueFrom)),
    )
    t.same(secretsReadBy(roleId).sort(), [...new Set(given)].sort(), String(taskDefinition.Properties?.Family ?? id))
  }
})

t.test("each task role is its app's table policy from the access stack, and nothing else", async (t) => {
  for (const service of SERVICE_NAMES) {
    const roleId = getAttId(taskDefinitionOf(service)[1].Properties?.TaskRoleArn)
    const role = resources(compute, 'AWS::IAM::Role')[roleId]!
    const policyId = stacks.access.getLogicalId(stacks.access.policies[service].node.defaultChild as never)
    const arns = role.Properties?.ManagedPolicyArns as { 'Fn::ImportValue': string }[]
    t.equal(arns.length, 1, service)
    t.ok(arns[0]!['Fn::ImportValue'].startsWith(`f1-access-staging:ExportsOutputRef${policyId}`), `${service} gets its own policy`)
    t.same(secretsReadBy(roleId), [], `${service}'s code cannot read secrets itself`)
    const inline = Object.values(resources(compute, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`),
    )
    t.same(inline, [], `${service}'s task role has no inline policy (no events:PutEvents: the relay puts)`)
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
