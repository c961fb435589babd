// The transactional outbox's relay in AWS: one EventBridge pipe per table that holds an outbox,
// from the table's stream to the bus, with an Express workflow that parses each event's detail,
// a dead-letter queue with its alarm, and a role that can do exactly that and nothing more.
import { CrossStackReferences, Duration, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as pipes from 'aws-cdk-lib/aws-pipes'
import * as sfn from 'aws-cdk-lib/aws-stepfunctions'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { PUBLISHERS } from '@f1/events/rules'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { DLQ_RETENTION } from './events-stack.ts'
import { resourceName, type Stage } from './names.ts'
import { BUS_TARGET, ENRICHMENT_DEFINITION, OUTBOX_FILTER_PATTERN, STREAM_READING } from './outbox-relay.ts'
import { OUTBOX_PRODUCERS } from './services.ts'

export interface RelayStackProps extends StackProps {
  stage: Stage
  /** The stream of each outbox table (the data stack's tables). */
  streamArns: Record<OutboxTableId, string>
  busName: string
}

/** Reading a stream: what the pipe's role needs on its table's stream (Pipes' documented list). */
export const STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'] as const

/** The sources a table's relay may put: those of the service whose events the table's outbox holds. */
export function relaySources(table: OutboxTableId): string[] {
  return [PUBLISHERS[OUTBOX_PRODUCERS[table]]]
}

export class RelayStack extends Stack {
  readonly pipes = {} as Record<OutboxTableId, pipes.CfnPipe>
  readonly deadLetterQueues = {} as Record<OutboxTableId, sqs.Queue>

  constructor(scope: Construct, id: string, props: RelayStackProps) {
    const { stage, streamArns, busName, ...stackProps } = props
    super(scope, id, stackProps)
    // The streams are imported (Fn::ImportValue), on purpose: see buildStacks.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG)

    // By name, as the access stack does: no export of the events stack to block its changes.
    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName })

    for (const table of OUTBOX_TABLE_IDS) {
      const name = resourceName(`relay-${table}`, stage)
      const streamArn = streamArns[table]

      const dlq = new sqs.Queue(this, `${table}-dlq`, {
        queueName: resourceName(`relay-${table}-dlq`, stage),
        // The pipe's role sends with its own permissions; SQS-managed SSE needs no key grant for it.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
      })
      this.deadLetterQueues[table] = dlq

      const enrichment = new sfn.StateMachine(this, `${table}-enrichment`, {
        stateMachineName: name,
        // Pipes only take Express workflows as enrichment (they are invoked synchronously).
        stateMachineType: sfn.StateMachineType.EXPRESS,
        definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(ENRICHMENT_DEFINITION)),
        comment: `Parses the detail of ${table}'s outbox events for its relay pipe`,
      })

      const pipeArn = this.formatArn({ service: 'pipes', resource: 'pipe', resourceName: name })
      const role = new iam.Role(this, `${table}-pipe-role`, {
        roleName: name,
        description: `The ${table} outbox relay pipe (${stage}): its stream, its enrichment, its sources on the bus, its DLQ`,
        // Only this pipe of this account may assume it (confused deputy).
        assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account, 'aws:SourceArn': pipeArn } },
        }),
        inlinePolicies: {
          relay: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({ sid: 'ReadOwnStream', actions: [...STREAM_READ_ACTIONS], resources: [streamArn] }),
              // ListStreams has no resource type: IAM accepts it on `*` only. It lists stream ARNs, no data.
              new iam.PolicyStatement({ sid: 'ListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] }),
              new iam.PolicyStatement({
                sid: 'StartOwnEnrichment',
                actions: ['states:StartSyncExecution'],
                resources: [enrichment.stateMachineArn],
              }),
              // Checked per entry: an outbox item naming another service's source is refused, not relayed.
              new iam.PolicyStatement({
                sid: 'PublishProducerEvents',
                actions: ['events:PutEvents'],
                resources: [busArn],
                conditions: { StringEquals: { 'events:source': relaySources(table) } },
              }),
              new iam.PolicyStatement({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }),
            ],
          }),
        },
      })

      const pipe = new pipes.CfnPipe(this, `${table}-pipe`, {
        name,
        description: `${table} outbox items to the ${busName} bus`,
        roleArn: role.roleArn,
        source: streamArn,
        sourceParameters: {
          filterCriteria: { filters: [{ pattern: JSON.stringify(OUTBOX_FILTER_PATTERN) }] },
          dynamoDbStreamParameters: { ...STREAM_READING, deadLetterConfig: { arn: dlq.queueArn } },
        },
        enrichment: enrichment.stateMachineArn,
        target: busArn,
        targetParameters: {
          inputTemplate: BUS_TARGET.inputTemplate,
          eventBridgeEventBusParameters: { source: BUS_TARGET.source, detailType: BUS_TARGET.detailType, time: BUS_TARGET.time },
        },
      })
      this.pipes[table] = pipe

      new cloudwatch.Alarm(this, `${table}-dlq-alarm`, {
        alarmName: resourceName(`relay-${table}-dlq-not-empty`, stage),
        alarmDescription: `Outbox records of ${table} could not be put on the bus: replay them (infra README, relay stack)`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
    }
  }
}
