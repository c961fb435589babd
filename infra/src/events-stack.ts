// The EventBridge bus, one event queue per consumer and the rules from @f1/events/rules. Each
// consumer's tasks are private (Service Connect only), so nothing calls them: each rule puts the
// matched event on its consumer's SQS queue, which the consumer polls. A queue has a redrive
// dead-letter queue (what the consumer received too often, or set aside itself); a rule has its own
// dead-letter queue for what EventBridge could not put on the queue. Every queue has an alarm.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as events from 'aws-cdk-lib/aws-events'
import * as targets from 'aws-cdk-lib/aws-events-targets'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { CONSUMERS, EVENT_QUEUE, eventDeadLetterQueueName, eventQueueName, RULES, type Consumer, type EventPattern } from '@f1/events/rules'
import { busName, resourceName, type Stage } from './names.ts'

export interface EventsStackProps extends StackProps {
  stage: Stage
}

/** How long and how often EventBridge retries putting an event on its queue before the rule's DLQ. */
export const DELIVERY_RETRY = {
  // The maxima EventBridge allows. Putting on a queue fails only if SQS does (an outage, throttling)
  // or refuses (a queue policy or encryption that shuts EventBridge out): a day to fix either.
  maxEventAge: Duration.hours(24),
  retryAttempts: 185,
} as const

/** Dead-lettered events are kept for the longest time SQS allows, to inspect and replay them. */
export const DLQ_RETENTION = Duration.days(14)

/**
 * A consumer's queue alarms when its oldest event has waited longer than this: 15 minutes, while a
 * running consumer receives an event within seconds. A failing event does not trip it: SQS leaves a
 * message received three times or more out of ApproximateAgeOfOldestMessage (the redrive policy and
 * the DLQ alarm deal with it), and three receives take at most 3 x the 60 s visibility timeout even
 * when the consumer dies on each. The rest of the margin absorbs a rolling deploy and a short
 * burst. So past 15 minutes events are not being received: the consumer is down or stuck (its
 * poller stopped while its health check passes), or far behind a burst (a backfill puts one event
 * per user).
 */
export const OLDEST_EVENT_AGE_THRESHOLD = Duration.minutes(15)

/** The queue an event of a consumer waits in, and where SQS moves what it received too often. */
export interface EventQueues {
  queue: sqs.Queue
  deadLetterQueue: sqs.Queue
}

/** A pattern from the rules data in CDK's shape (CDK spells `detail-type` as `detailType`). */
export function cdkEventPattern(pattern: EventPattern): events.EventPattern {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(pattern)) out[key === 'detail-type' ? 'detailType' : key] = value
  return out
}

/** An SQS name, caught here when too long rather than half-way through a deploy. */
export function queueName(base: string, stage: Stage, what: string): string {
  const name = resourceName(base, stage)
  if (name.length > 80) throw new Error(`queue name ${name} is longer than SQS's 80 characters: shorten ${what}`)
  return name
}

/** Alarms while the queue holds a message (checked every 5 minutes). */
export function notEmptyAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  alarmName: string,
  alarmDescription: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmName,
    alarmDescription,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  })
}

export class EventsStack extends Stack {
  readonly bus: events.EventBus
  /** Each consumer's event queue and its redrive dead-letter queue. */
  readonly eventQueues: Record<Consumer, EventQueues>
  /** Each rule's dead-letter queue, by rule name: the events EventBridge could not put on the queue. */
  readonly deadLetterQueues: Record<string, sqs.Queue> = {}

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    const { stage, ...stackProps } = props
    super(scope, id, stackProps)

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: busName(stage), description: 'F1 Race Sim domain events' })

    const eventQueues = {} as Record<Consumer, EventQueues>
    for (const consumer of CONSUMERS) {
      const deadLetterQueue = new sqs.Queue(this, `${consumer}-events-dlq`, {
        queueName: queueName(eventDeadLetterQueueName(consumer), stage, `consumer ${consumer}`),
        // SQS-managed SSE (no key to grant): the consumer sends its contract-breaking events here itself.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // A moved message keeps its first enqueue time, so it has what is left of the 14 days.
        retentionPeriod: DLQ_RETENTION,
      })
      const queue = new sqs.Queue(this, `${consumer}-events`, {
        queueName: queueName(eventQueueName(consumer), stage, `consumer ${consumer}`),
        // SQS-managed SSE: EventBridge cannot write to a queue encrypted with the AWS-managed KMS key.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(EVENT_QUEUE.visibilityTimeoutSeconds),
        retentionPeriod: Duration.seconds(EVENT_QUEUE.retentionSeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: EVENT_QUEUE.maxReceiveCount },
      })
      eventQueues[consumer] = { queue, deadLetterQueue }

      notEmptyAlarm(
        this,
        `${consumer}-events-dlq-alarm`,
        deadLetterQueue,
        resourceName(`${eventDeadLetterQueueName(consumer)}-not-empty`, stage),
        `${consumer} failed on events ${EVENT_QUEUE.maxReceiveCount} times, or set aside events that break their contract: inspect the DLQ, fix the cause, then redrive it`,
      )
      new cloudwatch.Alarm(this, `${consumer}-events-age-alarm`, {
        alarmName: resourceName(`${eventQueueName(consumer)}-too-old`, stage),
        alarmDescription: `An event has waited over ${OLDEST_EVENT_AGE_THRESHOLD.toMinutes()} minutes for ${consumer}: the consumer is down, stuck or falling behind`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: OLDEST_EVENT_AGE_THRESHOLD.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
    }
    this.eventQueues = eventQueues

    for (const rule of RULES) {
      const dlq = new sqs.Queue(this, `${rule.name}-dlq`, {
        queueName: queueName(`${rule.name}-dlq`, stage, `rule ${rule.name}`),
        // SQS-managed SSE: EventBridge cannot write to a queue encrypted with the AWS-managed KMS key.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
      })
      this.deadLetterQueues[rule.name] = dlq
      // The target adds a statement to the queue's policy (and the DLQ's): events.amazonaws.com may
      // SendMessage if the event comes from this rule (aws:SourceArn), and no one else through it.
      new events.Rule(this, rule.name, {
        ruleName: rule.name,
        description: rule.description,
        eventBus: this.bus,
        eventPattern: cdkEventPattern(rule.eventPattern),
        targets: [new targets.SqsQueue(eventQueues[rule.target].queue, { deadLetterQueue: dlq, ...DELIVERY_RETRY })],
      })
      notEmptyAlarm(
        this,
        `${rule.name}-dlq-alarm`,
        dlq,
        resourceName(`${rule.name}-dlq-not-empty`, stage),
        `Events of rule ${rule.name} could not be put on ${rule.target}'s queue: inspect and replay the DLQ`,
      )
    }
  }
}
