// simulation-service's job queue: an SQS queue of job messages (`{"job_id","created_at"}`), its
// redrive dead-letter queue, their alarms and the scaling of the service on its jobs. It lives in the
// compute stack, beside the one service that uses it: the task role, the container's variable and the
// scaling policy refer to it within the stack (no export that would stop CloudFormation replacing it),
// and no other stack has anything to do with it (the events stack is the bus and its consumers').
// The numbers below follow from SIMULATION_JOBS (service-env.ts), which the container gets explicitly.
import { Duration } from 'aws-cdk-lib'
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling'
import { CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { JOB_QUEUE } from '@f1/contracts/jobs'
import { DLQ_RETENTION, notEmptyAlarm, queueName } from './events-stack.ts'
import { resourceName, type Stage } from './names.ts'
import { SIMULATION_JOBS } from './service-env.ts'

/** The job queue's name base: `f1-simulation-jobs-<stage>`, its DLQ `f1-simulation-jobs-dlq-<stage>`. */
export const JOB_QUEUE_BASE = JOB_QUEUE.name
export const JOB_DEAD_LETTER_QUEUE_BASE = JOB_QUEUE.deadLetterName

/**
 * What simulation-service does on its job queue: SendMessage (a submission queues its job before
 * storing it), ReceiveMessage (under the lease), ChangeMessageVisibility (extend, release),
 * DeleteMessage (the job settled) and GetQueueAttributes. Nothing on the DLQ: SQS moves messages there.
 */
export const JOB_QUEUE_ACTIONS = [
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
] as const

/**
 * Only for a receive that sets none: every receive of the app sets its own (the lease). The lease
 * (30 s) is also how long a message stays hidden when its runner dies, so a stray receive (an
 * operator polling in the console) hides a job no longer than a dead runner would.
 */
export const JOB_QUEUE_VISIBILITY_TIMEOUT = Duration.millis(SIMULATION_JOBS.leaseMs)

/**
 * SQS's longest. A message is meant to leave by DeleteMessage or by the redrive, never by expiring:
 * a job whose message expired stays open with nothing to run it (the age and DLQ alarms fire long
 * before). The DLQ keeps 14 days too, less the time a message spent in the queue (its enqueue time
 * is kept when it is moved).
 */
export const JOB_QUEUE_RETENTION = Duration.days(14)

/** Receives before SQS moves a job's message to the DLQ (see JOB_QUEUE in @f1/contracts/jobs for why 120). */
export const JOB_QUEUE_MAX_RECEIVE_COUNT = JOB_QUEUE.maxReceiveCount

/**
 * The job queue alarms when its oldest message is older than this: a job's deadline
 * (SIMULATION_JOB_MAX_MS, 30 minutes after its submission) plus 5 minutes. Every job is settled by
 * its deadline, and its message deleted with it: its runner stops it then and fails and refunds it,
 * a job received past it is failed at once, and a runner that died leaves its job to another within
 * a lease (30 s). The 5 minutes take that, the refund and the metric's 5-minute period. So a message
 * older than this belongs to a job past its deadline that no runner has received: every runner busy
 * (the service at its task maximum far behind its jobs) or none receiving (down, or its SQS calls
 * refused). It holds whether or not SQS counts a message in flight (a running job's) in this metric,
 * and a message received three times or more (SQS leaves it out) is the DLQ alarm's concern.
 */
export const OLDEST_JOB_AGE_THRESHOLD = Duration.millis(SIMULATION_JOBS.maxMs).plus(Duration.minutes(5))

/**
 * The backlog the service scales on: open jobs (messages visible, waiting for a runner, plus in flight,
 * running) per running task, tracked at the jobs a task runs at once (SIMULATION_JOB_CONCURRENCY, 1).
 * Target tracking rather than steps: the task count follows the jobs in one move (ceil(tasks x jobs per
 * task / target): one more task per job waiting, up to the maximum), and Application Auto Scaling scales
 * in only when every target tracking policy of the service agrees: the CPU policy can no longer take
 * the service below its open jobs. Counting running jobs, not only waiting ones, is what gives that
 * floor: with waiting ones only the metric is 0 whenever nothing waits, and it would agree to stop
 * tasks in the middle of their jobs.
 */
export const JOBS_PER_TASK_TARGET = SIMULATION_JOBS.concurrency
/** A task starts in a minute or two: another scale-out after one minute, as for CPU. */
export const JOB_SCALE_OUT_COOLDOWN = Duration.minutes(1)
/**
 * Conservative: a stopped task gives its job back (another task runs it from the start: the time it
 * ran is lost, and it counts as one of the job's attempts), so at most one scale-in per 15 minutes,
 * after Application Auto Scaling's own 15 minutes below the target.
 */
export const JOB_SCALE_IN_COOLDOWN = Duration.minutes(15)

export interface SimulationJobQueueProps {
  stage: Stage
}

/** The job queue, its DLQ and their alarms. */
export class SimulationJobQueue extends Construct {
  readonly queue: sqs.Queue
  readonly deadLetterQueue: sqs.Queue
  readonly deadLetterAlarm: cloudwatch.Alarm
  readonly ageAlarm: cloudwatch.Alarm

  constructor(scope: Construct, id: string, props: SimulationJobQueueProps) {
    super(scope, id)
    const { stage } = props
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: queueName(JOB_DEAD_LETTER_QUEUE_BASE, stage, 'the job queue'),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    })
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: queueName(JOB_QUEUE_BASE, stage, 'the job queue'),
      // SQS-managed SSE: no key to grant, as for the event queues.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: JOB_QUEUE_VISIBILITY_TIMEOUT,
      retentionPeriod: JOB_QUEUE_RETENTION,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: JOB_QUEUE_MAX_RECEIVE_COUNT },
    })

    this.deadLetterAlarm = notEmptyAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      resourceName(`${JOB_DEAD_LETTER_QUEUE_BASE}-not-empty`, stage),
      `A simulation job's message was received ${JOB_QUEUE_MAX_RECEIVE_COUNT} times without being settled: read the job's item (its state), cancel it or move the message back to fail and refund it past its deadline, then purge the DLQ`,
    )
    this.ageAlarm = new cloudwatch.Alarm(this, 'AgeAlarm', {
      alarmName: resourceName(`${JOB_QUEUE_BASE}-too-old`, stage),
      alarmDescription: `A simulation job has waited over ${OLDEST_JOB_AGE_THRESHOLD.toMinutes()} minutes (its deadline and 5): no runner received it, jobs fail on their deadline; simulation-service is down, refused by SQS, or at its task maximum`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: OLDEST_JOB_AGE_THRESHOLD.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
  }
}

export interface JobScalingInputs {
  queue: sqs.IQueue
  clusterName: string
  serviceName: string
}

/**
 * The target tracking policy on open jobs per task (JOBS_PER_TASK_TARGET), beside the service's CPU
 * policy. CDK's own target tracking takes one metric only, hence the policy's resource with metric
 * math: (visible + in flight) / RunningTaskCount (Container Insights, on for the cluster).
 */
export function scaleOnJobBacklog(scaling: appscaling.BaseScalableAttribute, id: string, inputs: JobScalingInputs): CfnScalingPolicy {
  const queueMetric = (metricId: string, metricName: string): CfnScalingPolicy.TargetTrackingMetricDataQueryProperty => ({
    id: metricId,
    metricStat: {
      metric: { namespace: 'AWS/SQS', metricName, dimensions: [{ name: 'QueueName', value: inputs.queue.queueName }] },
      stat: 'Average',
    },
    returnData: false,
  })
  return new CfnScalingPolicy(scaling, id, {
    policyName: id,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: scaling.scalableTargetRef.resourceId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: JOBS_PER_TASK_TARGET,
      scaleOutCooldown: JOB_SCALE_OUT_COOLDOWN.toSeconds(),
      scaleInCooldown: JOB_SCALE_IN_COOLDOWN.toSeconds(),
      disableScaleIn: false,
      customizedMetricSpecification: {
        metrics: [
          queueMetric('waiting', 'ApproximateNumberOfMessagesVisible'),
          queueMetric('running', 'ApproximateNumberOfMessagesNotVisible'),
          {
            id: 'tasks',
            metricStat: {
              metric: {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: [
                  { name: 'ClusterName', value: inputs.clusterName },
                  { name: 'ServiceName', value: inputs.serviceName },
                ],
              },
              stat: 'Average',
            },
            returnData: false,
          },
          { id: 'jobs_per_task', expression: '(waiting + running) / tasks', label: 'Open jobs per running task', returnData: true },
        ],
      },
    },
  })
}
