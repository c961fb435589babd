// The load balancer and the console's distribution, with a certificate (staging) and without one
// (dev, with a console build to deploy).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions'
import { API_PATH_PATTERN } from '../src/web-stack.ts'
import { SPA_REWRITE_CODE } from '../src/spa-routing.ts'
import { list, resources, stageContext, synthesizeAll, TEST_CERTIFICATE_ARN } from './helper.ts'

const webDist = mkdtempSync(join(tmpdir(), 'f1-web-dist-'))
mkdirSync(join(webDist, 'assets'))
writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>F1</title>')
writeFileSync(join(webDist, 'assets/app.js'), 'console.log(1)')
t.teardown(() => rmSync(webDist, { recursive: true, force: true }))

const staging = synthesizeAll(stageContext('staging'), { webDist: join(webDist, 'missing') })
const dev = synthesizeAll({}, { webDist })

type Behavior = Record<string, unknown> & { PathPattern?: string; TargetOriginId: string; FunctionAssociations?: unknown[] }
const distributionConfig = (web: Template) =>
  Object.values(resources(web, 'AWS::CloudFront::Distribution'))[0]!.Properties!.DistributionConfig as {
    DefaultCacheBehavior: Behavior
    CacheBehaviors: Behavior[]
    Origins: {
      Id: string
      DomainName: unknown
      CustomOriginConfig?: Record<string, unknown>
      S3OriginConfig?: unknown
      OriginAccessControlId?: unknown
    }[]
    [key: string]: unknown
  }
const apiBehavior = (web: Template) => distributionConfig(web).CacheBehaviors.find((b) => b.PathPattern === API_PATH_PATTERN)!
const originOf = (web: Template, behavior: Behavior) => distributionConfig(web).Origins.find((o) => o.Id === behavior.TargetOriginId)!

/** Runs the CloudFront Function's handler on a request URI. */
const rewrite = (uri: string): string => {
  const handler = new Function(`${SPA_REWRITE_CODE}; return handler`)() as (event: { request: { uri: string } }) => { uri: string }
  return handler({ request: { uri } }).uri
}

t.test('an internet-facing ALB in the public subnets: 60 s idle timeout, invalid headers dropped, access logs on', async (t) => {
  staging.loadBalancer.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Scheme: 'internet-facing',
    Type: 'application',
    LoadBalancerAttributes: Match.arrayWith([
      { Key: 'idle_timeout.timeout_seconds', Value: '60' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.prefix', Value: 'alb-staging' },
    ]),
  })
  const lb = Object.values(resources(staging.loadBalancer, 'AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]!
  t.notOk('Name' in lb.Properties!, 'a generated name: ALB names stop at 32 characters')
  t.ok(list(lb.Properties!.Subnets as unknown[]).every((s) => JSON.stringify(s).includes('publicSubnet')))
})

t.test('HTTPS with the certificate from context and a TLS 1.3 policy; HTTP 80 redirects to it', async () => {
  staging.loadBalancer.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Port: 443,
    Protocol: 'HTTPS',
    Certificates: [{ CertificateArn: TEST_CERTIFICATE_ARN }],
    SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: Match.anyValue() }],
  })
  staging.loadBalancer.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Port: 80,
    Protocol: 'HTTP',
    DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
  })
  staging.loadBalancer.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2)
})

t.test("the gateway's target group: IP targets on its port, /ready health checks, a modest deregistration delay", async () => {
  staging.loadBalancer.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    TargetType: 'ip',
    Port: 3000,
    Protocol: 'HTTP',
    HealthCheckPath: '/ready',
    Matcher: { HttpCode: '200' },
    TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
  })
})

t.test('the access-log bucket: SSE-S3, TLS only, no public access, expiring; the ELB may write its prefix only', async (t) => {
  staging.loadBalancer.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
  })
  const policy = JSON.stringify(Object.values(resources(staging.loadBalancer, 'AWS::S3::BucketPolicy'))[0]!.Properties)
  t.match(policy, '"aws:SecureTransport":"false"')
  t.match(policy, '/alb-staging/AWSLogs/')
  t.match(policy, 'logdelivery.elasticloadbalancing.amazonaws.com')
  t.match(policy, 'Elbv2AccountMap', "the region's ELB account, looked up at deploy time")
})

t.test('the console bucket is private: Block Public Access, encryption, TLS only; CloudFront reads it through OAC', async (t) => {
  const site = staging.stacks.web.getLogicalId(staging.stacks.web.siteBucket.node.defaultChild as never)
  t.match(resources(staging.web, 'AWS::S3::Bucket')[site]!.Properties, {
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
  })
  staging.web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1)
  const config = distributionConfig(staging.web)
  const s3Origin = originOf(staging.web, config.DefaultCacheBehavior)
  t.ok(s3Origin.OriginAccessControlId, 'OAC, not a legacy origin access identity')
  t.same(s3Origin.S3OriginConfig, { OriginAccessIdentity: '' })
  const policies = Object.values(resources(staging.web, 'AWS::S3::BucketPolicy')).map((p) => JSON.stringify(p.Properties))
  const sitePolicy = policies.find((p) => p.includes(`"${site}"`))!
  t.match(sitePolicy, '"aws:SecureTransport":"false"')
  t.match(sitePolicy, 'cloudfront.amazonaws.com')
  t.match(sitePolicy, 'AWS:SourceArn', 'only this distribution may read')
})

t.test('the distribution: index.html at the root, client routes rewritten by a function, security headers, logs', async (t) => {
  const config = distributionConfig(staging.web)
  t.match(config, { DefaultRootObject: 'index.html', Logging: { Prefix: 'cloudfront-staging/' } })
  t.match(config.DefaultCacheBehavior, {
    ViewerProtocolPolicy: 'redirect-to-https',
    ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
  })
  t.match(config.DefaultCacheBehavior.FunctionAssociations, [{ EventType: 'viewer-request' }])
  staging.web.hasResourceProperties('AWS::CloudFront::Function', {
    FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    FunctionCode: SPA_REWRITE_CODE,
  })
  t.notOk('CustomErrorResponses' in config, 'no 403/404 -> index.html: that would also rewrite the API errors')
})

t.test('the SPA function sends paths without a file extension to index.html and leaves files alone', async (t) => {
  t.equal(rewrite('/'), '/index.html')
  t.equal(rewrite('/usage'), '/index.html')
  t.equal(rewrite('/simulate/abc-123'), '/index.html')
  t.equal(rewrite('/assets/index-4f2a.js'), '/assets/index-4f2a.js')
  t.equal(rewrite('/favicon.ico'), '/favicon.ico')
  t.equal(rewrite('/v1.2/report'), '/index.html', 'a dot in a folder name is not a file')
})

t.test('/api/* goes to the ALB over HTTPS at the certificate name: all methods, nothing cached, every header but Host', async (t) => {
  const api = apiBehavior(staging.web)
  t.match(api, {
    AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
    OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader: cookies, query strings, headers
    ViewerProtocolPolicy: 'https-only',
  })
  t.notOk(api.FunctionAssociations, 'API paths are never rewritten')
  t.match(originOf(staging.web, api), {
    DomainName: 'api.staging.example.com',
    CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: 60 },
  })
})

t.test('outputs: the ALB DNS name and the console URL', async () => {
  staging.loadBalancer.hasOutput('LoadBalancerDnsName', {
    Value: { 'Fn::GetAtt': [Match.anyValue(), 'DNSName'] },
    Description: Match.stringLikeRegexp('api.staging.example.com'),
  })
  staging.web.hasOutput('ConsoleUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }]] } })
})

t.test('without a console build the files are not deployed, and the synth says so', async () => {
  staging.web.resourceCountIs('Custom::CDKBucketDeployment', 0)
  Annotations.fromStack(staging.stacks.web).hasWarning('*', Match.stringLikeRegexp('console.s files are not deployed'))
})

t.test('with a console build the files are deployed to the bucket and the distribution invalidated', async () => {
  dev.web.hasResourceProperties('Custom::CDKBucketDeployment', {
    DestinationBucketName: Match.anyValue(),
    DistributionId: Match.anyValue(),
    DistributionPaths: ['/*'],
    Prune: true,
  })
})

t.test('dev without a certificate: HTTP only, with a warning; CloudFront reaches the ALB by its DNS name over HTTP', async (t) => {
  dev.loadBalancer.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1)
  dev.loadBalancer.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Port: 80,
    Protocol: 'HTTP',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: Match.anyValue() }],
  })
  Annotations.fromStack(dev.stacks.loadBalancer).hasWarning('*', Match.stringLikeRegexp('HTTP only'))
  t.match(originOf(dev.web, apiBehavior(dev.web)), {
    DomainName: { 'Fn::ImportValue': /^f1-lb-dev:/ },
    CustomOriginConfig: { OriginProtocolPolicy: 'http-only' },
  })
})

t.test('without logRetentionDays every log group keeps 30 days', async (t) => {
  const groups = [
    ...Object.values(resources(dev.compute, 'AWS::Logs::LogGroup')),
    ...Object.values(resources(dev.network, 'AWS::Logs::LogGroup')),
  ]
  t.equal(groups.length, 7)
  for (const group of groups) t.equal(group.Properties?.RetentionInDays, 30, String(group.Properties?.LogGroupName))
})
