// cdk-nag's AWS Solutions checks over every stack of a stage, and the one list of the findings this
// system accepts, each with its reason. cdk-nag 3 is a CDK policy-validation plugin: it runs after
// synthesis, and an unacknowledged error fails the synth (warnings are printed). A suppression is a
// CDK acknowledgment (Validations.of(construct).acknowledge) of one rule, or of one finding of a rule
// (`AwsSolutions-IAM5[Resource::*]`: that wildcard only, not the role's other statements), on the
// constructs its path pattern names and everything below them. test/nag.test.ts checks that nothing
// else is found and that every suppression still matches a finding.
import { Validations, type App, type CfnResource } from 'aws-cdk-lib'
import { AwsSolutionsChecks, NagMessageLevel, NagRuleCompliance, type IApplyRule, type NagRuleResult } from 'cdk-nag'
import type { IConstruct } from 'constructs'
import { RULES } from '@f1/events/rules'
import { OUTBOX_TABLE_IDS } from '@f1/tables/outbox'
import type { F1Stacks } from './app.ts'

export interface NagSuppression {
  /** A rule (`AwsSolutions-S1`) or one finding of it (`AwsSolutions-IAM5[Resource::*]`), as cdk-nag reports it. */
  id: string
  /**
   * Construct paths from the app's root, `{stage}` for the stage's name and `*` for any part of one
   * path segment (never a `/`). The acknowledgment covers the construct and everything below it.
   */
  paths: string[]
  /** Why the finding is acceptable here: what bounds the risk, or what would fix it and why not now. */
  reason: string
  /** Only in the stages where this holds (default: every stage). */
  when?: (stacks: F1Stacks) => boolean
}

/** The constructs of the compute stack that another change owns; their findings are suppressed here, to fix later. */
const COMPUTE = 'f1-compute-{stage}'

const noTls = (stacks: F1Stacks) => stacks.config.tls === undefined
/** The console's files are deployed (a BucketDeployment, with its Lambda) only when the web build exists. */
const consoleFilesDeployed = (stacks: F1Stacks) => stacks.web.node.tryFindChild('ConsoleFiles') !== undefined
const BUCKET_DEPLOYMENT = 'f1-web-{stage}/Custom::CDKBucketDeployment*'
const BUCKET_DEPLOYMENT_POLICY = `${BUCKET_DEPLOYMENT}/ServiceRole/DefaultPolicy/Resource`
const BUCKET_DEPLOYMENT_S3_REASON =
  "CDK's BucketDeployment grants its Lambda read on the CDK asset bucket and read/write/delete on the console's site bucket " +
  '(bucket and objects, hence the object wildcard and the s3:*Object* action groups): it copies the build into the bucket and prunes old files. ' +
  'The grants name those two buckets only and the role belongs to that one function.'

/** Every finding this system accepts, by rule, with its reason. */
export const NAG_SUPPRESSIONS: readonly NagSuppression[] = [
  // --- events stack ---
  {
    id: 'AwsSolutions-SQS3',
    paths: RULES.map((rule) => `f1-events-{stage}/${rule.name}-dlq/Resource`),
    reason:
      "Each of these queues is a dead-letter queue: the EventBridge rule's target dead-letter queue (DeadLetterConfig), which cdk-nag " +
      'does not recognize (it only knows SQS redrive policies and Lambda). A dead-letter queue needs no DLQ of its own; it keeps ' +
      'messages 14 days and alarms on its first message.',
  },
  // --- relay stack ---
  {
    id: 'AwsSolutions-SQS3',
    paths: OUTBOX_TABLE_IDS.map((table) => `f1-relay-{stage}/${table}-dlq/Resource`),
    reason:
      "Each of these queues is the dead-letter queue of an outbox relay pipe (the pipe's DynamoDB stream DeadLetterConfig), which " +
      'cdk-nag does not recognize as a DLQ. A dead-letter queue needs no DLQ of its own; it keeps records 14 days and alarms on its first one.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    paths: OUTBOX_TABLE_IDS.map((table) => `f1-relay-{stage}/${table}-pipe-role/Resource`),
    reason:
      'The only wildcard in a relay pipe role is dynamodb:ListStreams, which has no resource type: IAM accepts it on "*" only. It lists ' +
      "stream ARNs, not data; reading records is granted on the table's own stream ARN alone.",
  },
  {
    id: 'AwsSolutions-SF1',
    paths: OUTBOX_TABLE_IDS.map((table) => `f1-relay-{stage}/${table}-enrichment/Resource`),
    reason:
      'The enrichment is a fixed Map of Pass states (parse the detail JSON) that calls nothing and holds no state; logging ALL would ' +
      "write every outbox event's execution to CloudWatch Logs. A record it fails on is retried by the pipe and then lands in the relay " +
      "DLQ, which alarms and keeps the record for replay, so the failure is already visible and recoverable.",
  },
  {
    id: 'AwsSolutions-SF2',
    paths: OUTBOX_TABLE_IDS.map((table) => `f1-relay-{stage}/${table}-enrichment/Resource`),
    reason:
      'X-Ray would trace a workflow of Pass states that calls no other service, so a trace shows nothing the pipe metrics do not; it ' +
      'would also add X-Ray write actions on "*" to the state machine role, which now has no policy at all.',
  },
  // --- network stack ---
  {
    id: 'AwsSolutions-EC23',
    paths: ['f1-network-{stage}/LoadBalancer/Resource'],
    reason:
      "The internet-facing load balancer's group is the public API's front door: it accepts 0.0.0.0/0 on 80 (redirected to HTTPS, or " +
      'HTTP in a dev stage without a certificate) and 443 only, and may send only to the gateway tasks on their port.',
  },
  // --- load balancer stack ---
  {
    id: 'AwsSolutions-S1',
    paths: ['f1-lb-{stage}/AccessLogs/Resource'],
    reason:
      "This bucket receives the load balancer's access logs; logging access to it would need yet another log bucket. Only the ELB " +
      'log delivery may write to it (bucket policy), it blocks public access, requires TLS and expires objects after 90 days.',
  },
  // --- web stack ---
  {
    id: 'AwsSolutions-S1',
    paths: ['f1-web-{stage}/Logs/Resource'],
    reason:
      "This bucket receives CloudFront's standard logs; logging access to it would need yet another log bucket. It blocks public " +
      'access, requires TLS and expires objects after 90 days.',
  },
  {
    id: 'AwsSolutions-S1',
    paths: ['f1-web-{stage}/Site/Resource'],
    reason:
      "The console's files are public web assets read only through CloudFront (Origin Access Control), whose standard logs record " +
      "every request; the only writer is the console deployment's function. S3 server access logs would duplicate those logs.",
  },
  {
    id: 'AwsSolutions-CFR1',
    paths: ['f1-web-{stage}/Console/Resource'],
    reason:
      'The console and its API are offered worldwide and no law or licence excludes a country, so there is nothing to restrict by ' +
      'geography; restricting it would be a product decision, not a control this system needs.',
  },
  {
    id: 'AwsSolutions-CFR2',
    paths: ['f1-web-{stage}/Console/Resource'],
    reason:
      'No WAF web ACL yet: a CloudFront web ACL must live in us-east-1 while these stacks are region-agnostic, and behind it the ' +
      'gateway authenticates its routes and rate-limits the sign-in ones itself. A rate-based WAF rule is a candidate once traffic warrants it.',
  },
  {
    id: 'AwsSolutions-CFR4',
    paths: ['f1-web-{stage}/Console/Resource'],
    reason:
      "The console is served on CloudFront's own domain with its default certificate, which fixes the minimum viewer protocol at TLSv1; " +
      'a TLSv1.2 minimum needs a custom domain with an ACM certificate in us-east-1, which the stage context does not have yet.',
  },
  {
    id: 'AwsSolutions-CFR5',
    paths: ['f1-web-{stage}/Console/Resource'],
    reason:
      'Without a certificate (a dev stage only: config.ts refuses it elsewhere) the load balancer speaks HTTP only, so CloudFront reaches ' +
      'the /api/* origin over HTTP; every other stage uses HTTPS_ONLY with TLSv1.2 to the name on the certificate.',
    when: noTls,
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    paths: [`${BUCKET_DEPLOYMENT}/ServiceRole/Resource`],
    reason:
      "CDK's BucketDeployment Lambda writes its own CloudWatch logs through AWSLambdaBasicExecutionRole (logs:CreateLogGroup, " +
      'CreateLogStream, PutLogEvents); CDK creates that role and offers no way to swap the managed policy.',
    when: consoleFilesDeployed,
  },
  ...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*'].map(
    (finding): NagSuppression => ({
      id: `AwsSolutions-IAM5[${finding}]`,
      paths: [BUCKET_DEPLOYMENT_POLICY],
      reason: BUCKET_DEPLOYMENT_S3_REASON,
      when: consoleFilesDeployed,
    }),
  ),
  {
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    paths: [BUCKET_DEPLOYMENT_POLICY],
    reason: BUCKET_DEPLOYMENT_S3_REASON,
    when: consoleFilesDeployed,
  },
  {
    // SiteE53D7754: the logical id of f1-web-<stage>/Site/Resource (it changes only if the bucket's construct id does).
    id: 'AwsSolutions-IAM5[Resource::<SiteE53D7754.Arn>/*]',
    paths: [BUCKET_DEPLOYMENT_POLICY],
    reason: BUCKET_DEPLOYMENT_S3_REASON,
    when: consoleFilesDeployed,
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    paths: [BUCKET_DEPLOYMENT_POLICY],
    reason:
      "The deployment invalidates the console's distribution after copying (cloudfront:CreateInvalidation, GetInvalidation); CDK grants " +
      'those on "*", and the two actions can only create and read cache invalidations.',
    when: consoleFilesDeployed,
  },
  {
    id: 'AwsSolutions-L1',
    paths: [`${BUCKET_DEPLOYMENT}/Resource`],
    reason:
      "The runtime of BucketDeployment's Lambda is chosen by aws-cdk-lib (a Python runtime) and is not configurable; it moves with " +
      'aws-cdk-lib upgrades, and the function only runs during deployments.',
    when: consoleFilesDeployed,
  },
  // --- compute stack (owned by another change: suppressed here, candidates to fix there) ---
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    paths: [`${COMPUTE}/*-task/ExecutionRole/DefaultPolicy/Resource`],
    reason:
      'The only wildcard in a task execution role is ecr:GetAuthorizationToken, which has no resource type: IAM accepts it on "*" ' +
      "only. Pulling layers is granted on the CDK asset repository alone, logs on the app's log group and secrets one ARN each.",
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    paths: [`${COMPUTE}/*-task/TaskRole/DefaultPolicy/Resource`],
    reason:
      "The one wildcard in an app's task role is X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords, for the trace collector " +
      'beside the app: those actions have no resource type, so IAM accepts them on "*" only. They can only add trace data.',
  },
  {
    id: 'AwsSolutions-ECS2',
    paths: [`${COMPUTE}/*-task/Resource`],
    reason:
      'The environment holds configuration only (stage, region, table names, queue URLs, ports, origins, Stripe price ids; see ' +
      'service-env.ts); every secret (JWT key, service tokens, Stripe keys) is injected from Secrets Manager through `secrets`.',
  },
  {
    id: 'AwsSolutions-SMG4',
    paths: [`${COMPUTE}/Secrets/StripeSecretKey/Resource`, `${COMPUTE}/Secrets/StripeWebhookSecret/Resource`],
    reason:
      'Stripe issues these values: they are rotated in the Stripe dashboard and then put with put-secret-value (infra README, ' +
      '"Secrets to fill"); a Secrets Manager rotation function could not obtain a new Stripe key.',
  },
  {
    id: 'AwsSolutions-SMG4',
    paths: [`${COMPUTE}/Secrets/Jwt/Resource`, `${COMPUTE}/Secrets/*-to-*/Resource`],
    reason:
      'The apps read the JWT key and the service tokens once at start, and accept one value each: a scheduled rotation would break ' +
      'sessions and service calls until every task restarted. Rotation needs the apps to accept the previous value for a while first.',
  },
]

/** `f1-web-{stage}/Custom::X*` as a regular expression over one stage's construct paths. */
function pathPattern(path: string, stage: string): RegExp {
  const parts = path.replaceAll('{stage}', stage).split('*')
  return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`)
}

/** A suppression as applied to one app: the constructs each of its paths names, where the rule is acknowledged. */
export interface AppliedSuppression {
  suppression: NagSuppression
  matches: { path: string; constructPaths: string[] }[]
}

/** Acknowledges every suppression that applies to the stage on the constructs it names; returns where. */
export function acknowledgeNagFindings(stacks: F1Stacks): AppliedSuppression[] {
  const { stage } = stacks.config
  // Every construct of the app (any stack of the stage), whatever stacks buildStacks adds.
  const constructs = stacks.data.node.root.node.findAll()
  const applied: AppliedSuppression[] = []
  for (const suppression of NAG_SUPPRESSIONS) {
    if (suppression.when && !suppression.when(stacks)) continue
    const matches = suppression.paths.map((path) => {
      const pattern = pathPattern(path, stage)
      const matched = constructs.filter((construct) => pattern.test(construct.node.path))
      // No namespace prefix on the id: cdk-nag 3.0.2 matches the acknowledgment CDK stores for a plain id.
      for (const construct of matched) Validations.of(construct).acknowledge({ id: suppression.id, reason: suppression.reason })
      return { path, constructPaths: matched.map((construct) => construct.node.path) }
    })
    applied.push({ suppression, matches })
  }
  return applied
}

/**
 * Runs the AWS Solutions checks when the app synthesizes (an unacknowledged error then fails the
 * synth) with this system's suppressions. Call it once the stacks are built.
 */
export function applyNagChecks(app: App, stacks: F1Stacks): AppliedSuppression[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  return acknowledgeNagFindings(stacks)
}

/** One finding of a rule on one resource, acknowledged or not. */
export interface NagFinding {
  /** The rule, with the finding in brackets for rules that report several (IAM4, IAM5). */
  ruleId: string
  level: 'error' | 'warning'
  constructPath: string
  message: string
  /** True when a suppression acknowledges it. */
  suppressed: boolean
}

/** The AWS Solutions checks, recording every finding before cdk-nag drops the acknowledged ones. */
class RecordingAwsSolutionsChecks extends AwsSolutionsChecks {
  readonly found: Omit<NagFinding, 'suppressed'>[] = []

  protected override applyRule(params: IApplyRule): void {
    const ruleId = `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`
    const base = {
      level: params.level === NagMessageLevel.ERROR ? ('error' as const) : ('warning' as const),
      constructPath: params.node.node.path,
      message: params.info,
    }
    const check = params.rule
    const recorded = (node: CfnResource): NagRuleResult => {
      let result: NagRuleResult
      try {
        result = check(node)
      } catch (err) {
        // cdk-nag reports a rule that throws (an unresolvable intrinsic) as a finding of the rule itself.
        this.found.push({ ruleId, ...base, message: `the rule threw: ${err instanceof Error ? err.message : String(err)}` })
        throw err
      }
      if (result === NagRuleCompliance.NON_COMPLIANT) this.found.push({ ruleId, ...base })
      else if (Array.isArray(result)) for (const finding of result) this.found.push({ ruleId: `${ruleId}[${finding}]`, ...base })
      return result
    }
    // cdk-nag names the rule after the function (rule.name) unless overridden: keep the name.
    Object.defineProperty(recorded, 'name', { value: check.name })
    super.applyRule({ ...params, rule: recorded })
  }
}

/**
 * Every finding of the AWS Solutions checks in a synthesized app (call after app.synth()), each
 * marked suppressed or not: what the synth reports, plus what the suppressions hide.
 */
export function nagFindings(app: IConstruct): NagFinding[] {
  const pack = new RecordingAwsSolutionsChecks()
  const report = pack.validateScope(app)
  const reported = new Set(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)))
  return pack.found.map((finding) => ({ ...finding, suppressed: !reported.has(`${finding.ruleId} ${finding.constructPath}`) }))
}
