// The web console: its files in a private bucket behind CloudFront (Origin Access Control), client
// routes answered with index.html (spa-routing.ts), and /api/* passed to the load balancer uncached,
// so the console and the API share one origin and its session cookie (f1_session, path /api).
import {
  Annotations,
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib'
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront'
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins'
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import * as s3 from 'aws-cdk-lib/aws-s3'
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment'
import type { Construct } from 'constructs'
import type { Tls } from './config.ts'
import { logBucket } from './load-balancer-stack.ts'
import type { Stage } from './names.ts'
import { WEB_DIST, webBuildExists } from './repository.ts'
import { SPA_REWRITE_CODE } from './spa-routing.ts'

export interface WebStackProps extends StackProps {
  stage: Stage
  loadBalancer: elbv2.ILoadBalancerV2
  /** With TLS, CloudFront reaches the API over HTTPS at the name on the certificate. */
  tls?: Tls
  /** The console's build; deployed only when it exists (tests and a fresh checkout have none). */
  webDist?: string
}

/** The API's path on the console's domain: the gateway's routes all start with it. */
export const API_PATH_PATTERN = '/api/*'
/**
 * CloudFront's longest wait for the API's answer without a quota increase. A synchronous Monte
 * Carlo run may take longer (the gateway allows 120 s): those get 504 through CloudFront.
 */
export const API_READ_TIMEOUT = Duration.seconds(60)

export class WebStack extends Stack {
  readonly distribution: cloudfront.Distribution
  readonly siteBucket: s3.Bucket

  constructor(scope: Construct, id: string, props: WebStackProps) {
    const { stage, loadBalancer, tls, webDist = WEB_DIST, ...stackProps } = props
    super(scope, id, stackProps)
    // Exports (strong references): CloudFormation refuses to delete or replace what this stack uses.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG)

    this.siteBucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Kept when the stack is deleted (CloudFormation cannot delete a bucket with files in it).
      removalPolicy: RemovalPolicy.RETAIN,
    })
    // CloudFront's standard logs are delivered with ACLs: that bucket needs object-writer ownership.
    const logs = logBucket(this, 'Logs', { objectOwnership: s3.ObjectOwnership.OBJECT_WRITER })

    // Without a certificate (a dev stage) the load balancer only speaks HTTP; with one, CloudFront
    // must connect to the name on it: its DNS name (*.elb.amazonaws.com) is on no certificate.
    const api = tls
      ? new origins.HttpOrigin(tls.apiDomainName, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          readTimeout: API_READ_TIMEOUT,
        })
      : new origins.LoadBalancerV2Origin(loadBalancer, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
          readTimeout: API_READ_TIMEOUT,
        })

    const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Client routes of the console get index.html',
    })

    this.distribution = new cloudfront.Distribution(this, 'Console', {
      comment: `F1 Race Sim console and API (${stage})`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: `cloudfront-${stage}/`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{ function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Every method, nothing cached, every header but Host (CloudFront would then check the
        // origin's certificate against the console's name), all cookies and query strings.
        [API_PATH_PATTERN]: {
          origin: api,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
    })

    if (webBuildExists(webDist)) {
      new s3deploy.BucketDeployment(this, 'ConsoleFiles', {
        sources: [s3deploy.Source.asset(webDist)],
        destinationBucket: this.siteBucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      })
    } else {
      Annotations.of(this).addWarningV2(
        '@f1/infra:no-web-build',
        `${webDist} has no index.html: the console's files are not deployed (run pnpm --filter ./apps/web build before deploying)`,
      )
    }

    new CfnOutput(this, 'ConsoleUrl', {
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'The web console (CloudFront)',
    })
  }
}
