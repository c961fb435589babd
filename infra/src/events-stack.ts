// The EventBridge bus and its rules from @f1/events/rules: each rule posts the matched event to
// its consumer's POST /events through an API destination that presents the bus secret header,
// retries, and parks what it cannot deliver in that rule's dead-letter queue.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as events from 'aws-cdk-lib/aws-events'
import * as targets from 'aws-cdk-lib/aws-events-targets'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { BUS_SECRET_HEADER, CONSUMER_PATH, CONSUMERS, RULES, type Consumer, type EventPattern } from '@f1/events/rules'
import { busName, resourceName, type Stage } from './names.ts'

export interface EventsStackProps extends StackProps {
  stage: Stage
  /** Base URL of each consumer app (the bus posts to `<base>/events`). */
  consumerUrls: Record<Consumer, string>
}

/** How long and how often EventBridge retries a delivery before the event goes to the DLQ. */
export const DELIVERY_RETRY = {
  // The maxima EventBridge allows: a consumer may be down for up to a day without losing events.
  maxEventAge: Duration.hours(24),
  retryAttempts: 185,
} as const

/** Dead-lettered events are kept for the longest time SQS allows, to inspect and replay them. */
export const DLQ_RETENTION = Duration.days(14)

/** A pattern from the rules data in CDK's shape (CDK spells `detail-type` as `detailType`). */
export function cdkEventPattern(pattern: EventPattern): events.EventPattern {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(pattern)) out[key === 'detail-type' ? 'detailType' : key] = value
  return out
}

export class EventsStack extends Stack {
  readonly bus: events.EventBus
  readonly busSecret: secretsmanager.Secret
  readonly destinations: Record<Consumer, events.ApiDestination>
  readonly deadLetterQueues: Record<string, sqs.Queue> = {}
  /** Lets whatever runs the consumers (e.g. an ECS execution role) read the bus secret into EVENT_BUS_SECRET. */
  readonly busSecretReadPolicy: iam.ManagedPolicy

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    const { stage, consumerUrls, ...stackProps } = props
    super(scope, id, stackProps)

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: busName(stage), description: 'F1 Race Sim domain events' })

    this.busSecret = new secretsmanager.Secret(this, 'BusSecret', {
      secretName: resourceName('event-bus-secret', stage),
      description: `Value of the ${BUS_SECRET_HEADER} header the bus presents to consumers (their EVENT_BUS_SECRET)`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    })
    this.busSecretReadPolicy = new iam.ManagedPolicy(this, 'BusSecretRead', {
      managedPolicyName: resourceName('event-bus-secret-read', stage),
      description: 'Read the bus secret, to hand it to the consumer apps as EVENT_BUS_SECRET',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadBusSecret',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [this.busSecret.secretArn],
        }),
      ],
    })

    // EventBridge copies the value into the connection's own secret at deploy time: after rotating
    // the bus secret, redeploy this stack and restart the consumers.
    const connection = new events.Connection(this, 'ConsumersConnection', {
      connectionName: resourceName('bus-consumers', stage),
      description: `Authenticates the bus to the consumers' ${CONSUMER_PATH} with the ${BUS_SECRET_HEADER} header`,
      authorization: events.Authorization.apiKey(BUS_SECRET_HEADER, this.busSecret.secretValue),
    })

    const destinations = {} as Record<Consumer, events.ApiDestination>
    for (const consumer of CONSUMERS) {
      destinations[consumer] = new events.ApiDestination(this, `${consumer}-destination`, {
        apiDestinationName: resourceName(consumer, stage),
        description: `POST ${CONSUMER_PATH} of ${consumer}`,
        connection,
        endpoint: `${consumerUrls[consumer]}${CONSUMER_PATH}`,
        httpMethod: events.HttpMethod.POST,
      })
    }
    this.destinations = destinations

    for (const rule of RULES) {
      const queueName = resourceName(`${rule.name}-dlq`, stage)
      // Caught here rather than half-way through a deploy.
      if (queueName.length > 80) throw new Error(`queue name ${queueName} is longer than SQS's 80 characters: shorten rule ${rule.name}`)
      const dlq = new sqs.Queue(this, `${rule.name}-dlq`, {
        queueName,
        // SQS-managed SSE: EventBridge cannot write to a queue encrypted with the AWS-managed KMS key.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
      })
      this.deadLetterQueues[rule.name] = dlq
      new events.Rule(this, rule.name, {
        ruleName: rule.name,
        description: rule.description,
        eventBus: this.bus,
        eventPattern: cdkEventPattern(rule.eventPattern),
        targets: [new targets.ApiDestination(destinations[rule.target], { deadLetterQueue: dlq, ...DELIVERY_RETRY })],
      })
      new cloudwatch.Alarm(this, `${rule.name}-dlq-alarm`, {
        alarmName: resourceName(`${rule.name}-dlq-not-empty`, stage),
        alarmDescription: `Events of rule ${rule.name} could not be delivered to ${rule.target}: inspect and replay the DLQ`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
    }
  }
}
