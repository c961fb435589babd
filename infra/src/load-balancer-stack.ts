// The internet-facing Application Load Balancer in front of the gateway: HTTPS with the stage's
// certificate and a recent TLS policy, HTTP redirected to HTTPS, access logs in their own bucket.
// The gateway's target group lives here so the web stack (CloudFront's /api/* origin) can come
// before the compute stack, whose gateway needs the console's origin (APP_ORIGINS).
import { CfnResource, CrossStackReferences, Duration, ReferenceStrength, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import { FactName } from 'aws-cdk-lib/region-info'
import * as acm from 'aws-cdk-lib/aws-certificatemanager'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import * as s3 from 'aws-cdk-lib/aws-s3'
import type { Construct } from 'constructs'
import { SERVICES } from '@f1/contracts/services'
import type { Tls } from './config.ts'
import type { Stage } from './names.ts'

export interface LoadBalancerStackProps extends StackProps {
  stage: Stage
  vpc: ec2.IVpc
  securityGroup: ec2.ISecurityGroup
  /** Absent in a dev stage without a certificate: HTTP only. */
  tls?: Tls
}

/**
 * Below the apps' KEEP_ALIVE_TIMEOUT_MS (72 s): the load balancer, not the app, closes an idle
 * connection, so it never sends a request on a socket the app is closing.
 */
export const IDLE_TIMEOUT = Duration.seconds(60)
/** Long enough for in-flight requests to finish on a stopping task, short enough for quick deploys. */
export const DEREGISTRATION_DELAY = Duration.seconds(30)
export const ACCESS_LOG_EXPIRY = Duration.days(90)

/** A bucket for AWS log deliveries: private, SSE-S3 (what ALB and CloudFront logs support), TLS only, expiring. */
export function logBucket(scope: Construct, id: string, options: Partial<s3.BucketProps> = {}): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [{ expiration: ACCESS_LOG_EXPIRY }],
    removalPolicy: RemovalPolicy.RETAIN,
    ...options,
  })
}

export class LoadBalancerStack extends Stack {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer
  readonly gatewayTargetGroup: elbv2.ApplicationTargetGroup
  /** The scheme CloudFront and clients use to reach the API here. */
  readonly protocol: elbv2.ApplicationProtocol

  constructor(scope: Construct, id: string, props: LoadBalancerStackProps) {
    const { stage, vpc, securityGroup, tls, ...stackProps } = props
    super(scope, id, stackProps)
    // Exports (strong references): CloudFormation refuses to delete or replace what this stack uses.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG)

    // No loadBalancerName: ALB names stop at 32 characters; the generated one always fits.
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup,
      idleTimeout: IDLE_TIMEOUT,
      dropInvalidHeaderFields: true,
      http2Enabled: true,
    })
    this.logAccessLogs(logBucket(this, 'AccessLogs'), `alb-${stage}`)

    this.gatewayTargetGroup = new elbv2.ApplicationTargetGroup(this, 'Gateway', {
      vpc,
      targetType: elbv2.TargetType.IP,
      port: SERVICES.gateway.defaultPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      deregistrationDelay: DEREGISTRATION_DELAY,
      // /ready, not /health: a task that cannot reach its table yet takes no traffic.
      healthCheck: {
        path: '/ready',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        healthyHttpCodes: '200',
      },
    })

    if (tls) {
      this.protocol = elbv2.ApplicationProtocol.HTTPS
      this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [acm.Certificate.fromCertificateArn(this, 'Certificate', tls.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        // The network stack opens 80 and 443; the listener adds no rule of its own.
        open: false,
        defaultTargetGroups: [this.gatewayTargetGroup],
      })
      this.loadBalancer.addRedirect({
        sourcePort: 80,
        sourceProtocol: elbv2.ApplicationProtocol.HTTP,
        targetPort: 443,
        targetProtocol: elbv2.ApplicationProtocol.HTTPS,
        open: false,
      })
    } else {
      this.protocol = elbv2.ApplicationProtocol.HTTP
      this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultTargetGroups: [this.gatewayTargetGroup],
      })
    }
  }

  /**
   * What ApplicationLoadBalancer.logAccessLogs does, for an environment-agnostic stack: that method
   * needs a concrete region to pick the region's ELB account, so here the account is looked up at
   * deploy time (a mapping of the regions CDK knows an ELB account for; regions opened since August
   * 2022 deliver as the log-delivery service principal instead, granted too).
   */
  private logAccessLogs(bucket: s3.Bucket, prefix: string): void {
    const objects = bucket.arnForObjects(`${prefix}/AWSLogs/${this.account}/*`)
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElbAccountWritesLogs',
        actions: ['s3:PutObject'],
        principals: [new iam.AccountPrincipal(this.regionalFact(FactName.ELBV2_ACCOUNT))],
        resources: [objects],
      }),
    )
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElbServiceWritesLogs',
        actions: ['s3:PutObject'],
        principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
        resources: [objects],
      }),
    )
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true')
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName)
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix)
    // The load balancer checks it may write when the attribute is set.
    const policy = bucket.policy?.node.defaultChild
    if (policy instanceof CfnResource) this.loadBalancer.node.addDependency(policy)
  }
}
