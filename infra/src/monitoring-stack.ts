// What an operator looks at and what wakes them: one CloudWatch dashboard of the stage (the load
// balancer, RED per service from the apps' embedded metrics, events and queues, jobs, quota denials,
// backfill progress, DynamoDB throttles) and the alarms that span services (5xx rate, p99 latency,
// faults per service, throttles). Alarms on one resource live with it (the queues' in the events and
// compute stacks); every alarm of the stage notifies the alerts topic (alarmsNotify, below).
import { Aspects, Duration, Stack, type IAspect, type StackProps } from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions'
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import type * as sns from 'aws-cdk-lib/aws-sns'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import type { Construct, IConstruct } from 'constructs'
import { FEATURES } from '@f1/contracts/common'
import { SERVICE_NAMES, type ServiceName } from '@f1/contracts/services'
import type { Consumer } from '@f1/events/rules'
import { METRICS_NAMESPACE, type DomainMetric, type RequestMetric } from '@f1/contracts/metrics'
import type { TableId } from '@f1/tables'
import { resourceName, type Stage } from './names.ts'

export interface MonitoringStackProps extends StackProps {
  stage: Stage
  loadBalancer: elbv2.IApplicationLoadBalancer
  tableNames: Record<TableId, string>
  eventQueues: Record<Consumer, { queue: sqs.IQueue; deadLetterQueue: sqs.IQueue }>
  jobQueue: { queue: sqs.IQueue; deadLetterQueue: sqs.IQueue }
}

const FIVE_MINUTES = Duration.minutes(5)

/**
 * The thresholds of the alarms that span services, and why.
 * - 5xx: 1 % of the load balancer's answers over 10 of 15 minutes, from at least 50 requests a
 *   period (below that one failure is several percent: noise, not an outage).
 * - gateway p99: 5 s. The slowest synchronous request is a simulation at the job threshold
 *   (SIMULATION_JOB_ABOVE_RUNS, 20,000 runs x about 0.19 ms a run on one core: about 4 s); bigger
 *   studies are jobs and answer 202 at once. Over 15 minutes, so one slow burst does not page.
 * - faults per service: 1 %, the same rule as the 5xx, per app from its own request lines: which
 *   service fails, not only that the edge does.
 */
export const ALARM_THRESHOLDS = {
  fiveXxPercent: 1,
  minRequestsPerPeriod: 50,
  gatewayP99Ms: 5_000,
  faultPercent: 1,
} as const

/** An app's metric from its request lines (service-kit metrics.ts). */
export function appMetric(service: ServiceName, metricName: RequestMetric, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service }, statistic, period: FIVE_MINUTES })
}

/** A domain count of an app (service-kit countMetric). */
function countOf(service: ServiceName, metricName: DomainMetric, dimensions: Record<string, string> = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, ...dimensions },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  })
}

/** Percent of `part` in `whole`, 0 while `whole` is below the minimum a rate means something at. */
function rate(label: string, part: cloudwatch.IMetric, whole: cloudwatch.IMetric): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    label,
    expression: `IF(whole >= ${ALARM_THRESHOLDS.minRequestsPerPeriod}, 100 * part / whole, 0)`,
    usingMetrics: { part, whole },
    period: FIVE_MINUTES,
  })
}

export class MonitoringStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard
  readonly alarms: cloudwatch.Alarm[] = []

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    const { stage, loadBalancer, tableNames, eventQueues, jobQueue, ...stackProps } = props
    super(scope, id, stackProps)
    const alarm = (name: string, description: string, options: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription'>) => {
      const created = new cloudwatch.Alarm(this, name, { alarmName: resourceName(name, stage), alarmDescription: description, ...options })
      this.alarms.push(created)
      return created
    }

    // The edge: what clients get.
    const lbMetrics = loadBalancer.metrics
    const requests = lbMetrics.requestCount({ period: FIVE_MINUTES, statistic: 'Sum' })
    const fiveXx = new cloudwatch.MathExpression({
      label: '5xx (targets and load balancer)',
      expression: 'targets + balancer',
      usingMetrics: {
        targets: lbMetrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: FIVE_MINUTES, statistic: 'Sum' }),
        balancer: lbMetrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: FIVE_MINUTES, statistic: 'Sum' }),
      },
      period: FIVE_MINUTES,
    })
    const fiveXxRate = rate('5xx %', fiveXx, requests)
    alarm('api-5xx-rate', `More than ${ALARM_THRESHOLDS.fiveXxPercent} % of the API's answers are 5xx: clients see failures`, {
      metric: fiveXxRate,
      threshold: ALARM_THRESHOLDS.fiveXxPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })
    const gatewayP99 = appMetric('gateway', 'latency_ms', 'p99')
    alarm('gateway-p99-latency', `The gateway's p99 latency is above ${ALARM_THRESHOLDS.gatewayP99Ms} ms: requests are slow`, {
      metric: gatewayP99,
      threshold: ALARM_THRESHOLDS.gatewayP99Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    })

    // RED per service.
    const serviceRows: cloudwatch.IWidget[] = []
    for (const service of SERVICE_NAMES) {
      const calls = appMetric(service, 'latency_ms', 'SampleCount')
      const faults = appMetric(service, 'fault', 'Sum')
      alarm(`${service}-fault-rate`, `More than ${ALARM_THRESHOLDS.faultPercent} % of ${service}'s requests end in 5xx`, {
        metric: rate(`${service} faults %`, faults, calls),
        threshold: ALARM_THRESHOLDS.faultPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
      serviceRows.push(
        new cloudwatch.GraphWidget({
          title: `${service}: requests and faults`,
          left: [calls.with({ label: 'requests' })],
          right: [faults.with({ label: 'faults (5xx)' })],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: `${service}: latency`,
          left: [
            appMetric(service, 'latency_ms', 'p50').with({ label: 'p50' }),
            appMetric(service, 'latency_ms', 'p99').with({ label: 'p99' }),
          ],
          width: 12,
        }),
      )
    }

    // DynamoDB: a throttled table refuses work (on-demand tables throttle past their warm capacity).
    const throttleMetrics: cloudwatch.IMetric[] = []
    for (const [index, [id, name]] of Object.entries(tableNames).entries()) {
      // Ids unique across the graph that shows every table's expression.
      const throttles = new cloudwatch.MathExpression({
        label: `${id} throttled`,
        expression: `reads${index} + writes${index}`,
        usingMetrics: {
          [`reads${index}`]: new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName: 'ReadThrottleEvents',
            dimensionsMap: { TableName: name },
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
          [`writes${index}`]: new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName: 'WriteThrottleEvents',
            dimensionsMap: { TableName: name },
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
        },
        period: FIVE_MINUTES,
      })
      throttleMetrics.push(throttles)
      // Two periods running: a moment's burst is absorbed by the SDK's retries, a sustained one is not.
      alarm(`${id}-table-throttled`, `DynamoDB throttles the ${id} table (${name}): requests fail or slow down`, {
        metric: throttles,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
    }

    const consumers = Object.keys(eventQueues) as Consumer[]
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: resourceName('platform', stage),
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'API requests', left: [requests.with({ label: 'requests' })], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'API 5xx %',
            left: [fiveXxRate],
            leftAnnotations: [{ value: ALARM_THRESHOLDS.fiveXxPercent, label: 'alarm' }],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'gateway p99 (ms)',
            left: [gatewayP99.with({ label: 'p99' })],
            leftAnnotations: [{ value: ALARM_THRESHOLDS.gatewayP99Ms, label: 'alarm' }],
            width: 8,
          }),
        ],
        serviceRows,
        [
          new cloudwatch.GraphWidget({
            title: 'events delivered / retried / dead-lettered',
            left: consumers.map((c) => countOf(c, 'events_delivered').with({ label: `${c} delivered` })),
            right: consumers.flatMap((c) => [
              countOf(c, 'events_retried').with({ label: `${c} retried` }),
              countOf(c, 'events_dead_lettered').with({ label: `${c} dead-lettered` }),
            ]),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'event queues: waiting, and oldest (s)',
            left: consumers.map((c) => eventQueues[c].queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: c })),
            right: consumers.map((c) =>
              eventQueues[c].queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, label: `${c} oldest` }),
            ),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'simulation jobs: waiting and running, oldest (s)',
            left: [
              jobQueue.queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: 'waiting' }),
              jobQueue.queue.metricApproximateNumberOfMessagesNotVisible({ period: FIVE_MINUTES, label: 'running' }),
            ],
            right: [jobQueue.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, label: 'oldest' })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'dead letters (events and jobs)',
            left: [
              ...consumers.map((c) =>
                eventQueues[c].deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: `${c} DLQ` }),
              ),
              jobQueue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: 'jobs DLQ' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'quota denials',
            left: FEATURES.map((feature) => countOf('usage-service', 'quota_denials', { feature }).with({ label: feature })),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'backfill: legacy items read',
            left: [
              countOf('migrator', 'backfill_items', { run: 'backfill' }),
              countOf('migrator', 'backfill_items', { run: 'dry-run' }),
            ].map((m, i) => m.with({ label: i === 0 ? 'backfill (service)' : 'dry run (service)' })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttled requests', left: throttleMetrics, width: 12 }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'alarms', alarms: this.alarms, width: 24 })],
      ],
    })
  }
}

/** Makes every alarm under `scope` notify `topic` on alarm and on recovery: one rule, so no alarm is forgotten. */
export function alarmsNotify(scope: IConstruct, topic: sns.ITopic): void {
  const notify: IAspect = {
    visit(node: IConstruct) {
      if (node instanceof cloudwatch.Alarm) {
        node.addAlarmAction(new actions.SnsAction(topic))
        node.addOkAction(new actions.SnsAction(topic))
      }
    },
  }
  Aspects.of(scope).add(notify)
}
