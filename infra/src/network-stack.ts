// The network the services run in: a VPC over two AZs (public subnets for the load balancer and the
// NAT, private ones with egress for the tasks), flow logs, gateway endpoints so table traffic skips
// the NAT, and every security group with the rules between them. Who may reach whom is decided here,
// once, from SERVICE_CALLS: only the load balancer reaches the gateway; a service accepts only the
// services that call it.
import { Stack, type StackProps } from 'aws-cdk-lib'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import * as logs from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'
import { callersOf, SERVICE_NAMES, SERVICES, type ServiceName } from '@f1/contracts/services'
import { logGroupName, type Stage } from './names.ts'

export interface NetworkStackProps extends StackProps {
  stage: Stage
  natGateways: number
  logRetentionDays: logs.RetentionDays
}

/** Ports the load balancer listens on; 80 only redirects to 443 (or serves HTTP in a dev stage without a certificate). */
export const LISTENER_PORTS = [80, 443] as const

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc
  readonly loadBalancerSecurityGroup: ec2.SecurityGroup
  /** One per app: its service's tasks (and the migrator's one-off task) run in it. */
  readonly serviceSecurityGroups: Record<ServiceName, ec2.SecurityGroup>

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    const { stage, natGateways, logRetentionDays, ...stackProps } = props
    super(scope, id, stackProps)

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      restrictDefaultSecurityGroup: true,
    })
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      logGroupName: logGroupName(stage, 'vpc-flow-logs'),
      retention: logRetentionDays,
    })
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    })
    // Gateway endpoints are free and keep the tables' traffic (and ECR's image layers, served from
    // S3) off the NAT. Interface endpoints (ECR API, Logs, Secrets Manager, SQS) cost per hour and AZ;
    // their traffic is small, so it goes through the NAT. That includes the consumers' event queues:
    // a long poll is one small request per 20 s per poller while idle, and events are a few KB each,
    // well below what an SQS endpoint in both AZs would cost; the queues are protected by IAM and
    // TLS (enforceSSL), not by the network path. The tasks therefore need no endpoint security group:
    // their outbound stays open (below).
    this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB })
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 })

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancer', {
      vpc: this.vpc,
      description: `Internet-facing load balancer (${stage}): the gateway only`,
      allowAllOutbound: false,
    })
    for (const port of LISTENER_PORTS) {
      this.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `HTTP(S) from anywhere on ${port}`)
    }

    const groups = {} as Record<ServiceName, ec2.SecurityGroup>
    for (const service of SERVICE_NAMES) {
      // Outbound stays open: AWS APIs (SQS too), ECR, Secrets Manager and Stripe are reached through the NAT.
      groups[service] = new ec2.SecurityGroup(this, service, {
        vpc: this.vpc,
        description: `Tasks of ${service} (${stage})`,
        allowAllOutbound: true,
      })
    }
    const gatewayPort = ec2.Port.tcp(SERVICES.gateway.defaultPort)
    groups.gateway.addIngressRule(this.loadBalancerSecurityGroup, gatewayPort, 'From the load balancer')
    this.loadBalancerSecurityGroup.addEgressRule(groups.gateway, gatewayPort, 'To the gateway (requests and health checks)')
    // Service Connect's proxy in the caller's task opens the connection to the callee's task on the
    // callee's container port (Fargate: the proxy listens there), so the rule is caller -> callee port.
    for (const callee of SERVICE_NAMES) {
      for (const caller of callersOf(callee)) {
        groups[callee].addIngressRule(groups[caller], ec2.Port.tcp(SERVICES[callee].defaultPort), `From ${caller} (Service Connect)`)
      }
    }
    this.serviceSecurityGroups = groups
  }
}
