import t from 'tap'
import { Match } from 'aws-cdk-lib/assertions'
import { SERVICE_NAMES } from '@f1/contracts/services'
import { DOMAIN_METRICS, METRICS_NAMESPACE, REQUEST_METRICS } from '@f1/contracts/metrics'
import { TABLE_IDS } from '@f1/tables'
import { ALARM_THRESHOLDS } from '../src/monitoring-stack.ts'
import { resources, stageContext, synthesizeAll, type Resource } from './helper.ts'

const synthesized = synthesizeAll({ ...stageContext('prod'), alarmEmail: 'oncall@example.com' })
const { alerts, monitoring } = synthesized
const templates = {
  alerts,
  data: synthesized.data,
  events: synthesized.events,
  relay: synthesized.relay,
  access: synthesized.access,
  network: synthesized.network,
  loadBalancer: synthesized.loadBalancer,
  web: synthesized.web,
  compute: synthesized.compute,
  monitoring,
}
const alarmsOf = (name: keyof typeof templates) => Object.entries(resources(templates[name], 'AWS::CloudWatch::Alarm'))
const allAlarms = Object.keys(templates).flatMap((name) =>
  alarmsOf(name as keyof typeof templates).map(([id, r]) => [name, id, r] as const),
)

/** The topic's ARN as another stack imports it (Fn::ImportValue of the alerts stack's export), or the Ref within the stack. */
function pointsAtTopic(action: unknown, inAlertsStack: boolean): boolean {
  const text = JSON.stringify(action)
  return inAlertsStack ? /"Ref":"Alarms/.test(text) : /ImportValue/.test(text) && /f1-alerts-prod/.test(text)
}

t.test('the alarm topic is encrypted with its own rotated key, TLS only, and mails the on-call address', async (t) => {
  alerts.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'f1-alarms-prod', KmsMasterKeyId: Match.anyValue() })
  alerts.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true })
  alerts.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' })
  const policies = JSON.stringify(resources(alerts, 'AWS::SNS::TopicPolicy'))
  t.match(policies, /aws:SecureTransport/, 'refuses requests without TLS')
  t.match(policies, /cloudwatch\.amazonaws\.com/, 'CloudWatch may publish')
  const key = JSON.stringify(resources(alerts, 'AWS::KMS::Key'))
  t.match(key, /cloudwatch\.amazonaws\.com/, 'CloudWatch may use the key to publish')
})

t.test('every alarm of every stack notifies the topic on alarm and on recovery', async (t) => {
  t.ok(allAlarms.length > 20, `${allAlarms.length} alarms`)
  for (const [stack, id, alarm] of allAlarms) {
    const props = alarm.Properties as { AlarmActions?: unknown[]; OKActions?: unknown[] }
    t.ok(
      props.AlarmActions?.length === 1 && pointsAtTopic(props.AlarmActions[0], stack === 'alerts'),
      `${stack}/${id} notifies the topic when it fires`,
    )
    t.ok(props.OKActions?.length === 1 && pointsAtTopic(props.OKActions[0], stack === 'alerts'), `${stack}/${id} when it recovers`)
  }
})

const named = (name: string): Resource => {
  const found = alarmsOf('monitoring').find(([, r]) => r.Properties?.AlarmName === name)
  if (!found) throw new Error(`no alarm ${name}`)
  return found[1]
}

t.test('the API 5xx rate alarms above 1 % of the load balancer answers, from enough requests to mean something', async (t) => {
  const alarm = named('f1-api-5xx-rate-prod').Properties as { Threshold: number; Metrics: Array<{ Expression?: string; Id: string }> }
  t.equal(alarm.Threshold, ALARM_THRESHOLDS.fiveXxPercent)
  const expression = alarm.Metrics.find((m) => m.Expression?.includes('100 * part / whole'))
  t.ok(expression, 'a rate of 5xx in requests')
  t.match(JSON.stringify(alarm.Metrics), /HTTPCode_Target_5XX_Count/)
  t.match(JSON.stringify(alarm.Metrics), /HTTPCode_ELB_5XX_Count/)
  t.match(expression?.Expression, new RegExp(`whole >= ${ALARM_THRESHOLDS.minRequestsPerPeriod}`))
})

t.test("the gateway's p99 latency alarm reads the apps' own request metrics", async (t) => {
  const alarm = named('f1-gateway-p99-latency-prod').Properties as Record<string, unknown>
  t.match(alarm, {
    Namespace: METRICS_NAMESPACE,
    MetricName: 'latency_ms',
    ExtendedStatistic: 'p99',
    Dimensions: [{ Name: 'service', Value: 'gateway' }],
    Threshold: ALARM_THRESHOLDS.gatewayP99Ms,
  })
})

t.test('each service has a fault-rate alarm and each table a throttle alarm', async (t) => {
  for (const service of SERVICE_NAMES) {
    const alarm = JSON.stringify(named(`f1-${service}-fault-rate-prod`).Properties)
    t.match(alarm, new RegExp(`"Value":"${service}"`), service)
    t.match(alarm, /"MetricName":"fault"/)
  }
  for (const id of TABLE_IDS) {
    const alarm = JSON.stringify(named(`f1-${id}-table-throttled-prod`).Properties)
    t.match(alarm, /ReadThrottleEvents/, id)
    t.match(alarm, /WriteThrottleEvents/, id)
  }
})

t.test('the dashboard graphs every metric the apps write, and the queues', async (t) => {
  const [dashboard] = Object.values(resources(monitoring, 'AWS::CloudWatch::Dashboard'))
  t.equal(dashboard?.Properties?.DashboardName, 'f1-platform-prod')
  const body = JSON.stringify(dashboard?.Properties?.DashboardBody)
  for (const metric of [...REQUEST_METRICS, ...Object.keys(DOMAIN_METRICS)]) t.match(body, metric, `graphs ${metric}`)
  for (const metric of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'RequestCount', 'ReadThrottleEvents']) {
    t.match(body, metric, `graphs ${metric}`)
  }
})

t.test('a bad alarm email is refused at synth', async (t) => {
  t.throws(() => synthesizeAll({ ...stageContext('prod'), alarmEmail: 'not-an-address' }), /alarmEmail is not an email address/)
})
