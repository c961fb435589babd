import t from 'tap'
import { CONSUMERS, EVENT_QUEUE, eventDeadLetterQueueName, eventQueueName, RULES, type Consumer } from '@f1/events/rules'
import { DELIVERY_RETRY, OLDEST_EVENT_AGE_THRESHOLD } from '../src/events-stack.ts'
import { busName } from '../src/names.ts'
import { list, resourceWhere, resources, synthesize, type Resource } from './helper.ts'

const { events, stacks } = synthesize()

type Target = {
  Arn?: unknown
  DeadLetterConfig?: { Arn?: unknown }
  RetryPolicy?: Record<string, number>
  RoleArn?: unknown
  Input?: unknown
  InputPath?: unknown
  InputTransformer?: unknown
}
type Statement = { Effect: string; Action: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> }

/** The logical id a `Fn::GetAtt [id, 'Arn']` points at. */
function getAttArn(value: unknown): string {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt']
  if (!Array.isArray(getAtt) || getAtt[1] !== 'Arn' || typeof getAtt[0] !== 'string')
    throw new Error(`not a GetAtt Arn: ${JSON.stringify(value)}`)
  return getAtt[0]
}

function resourceById(id: string): Resource {
  const resource = events.toJSON().Resources?.[id] as Resource | undefined
  if (!resource) throw new Error(`no resource ${id}`)
  return resource
}

const logicalId = (construct: { node: { defaultChild?: unknown } }) => stacks.events.getLogicalId(construct.node.defaultChild as never)
const queueId = (consumer: Consumer) => logicalId(stacks.events.eventQueues[consumer].queue)
const deadLetterQueueId = (consumer: Consumer) => logicalId(stacks.events.eventQueues[consumer].deadLetterQueue)
const ruleId = (name: string) => resourceWhere(events, 'AWS::Events::Rule', 'Name', name)[0]
const ruleTarget = (name: string): Target => {
  const targets = list(resourceWhere(events, 'AWS::Events::Rule', 'Name', name)[1].Properties?.Targets as Target[])
  if (targets.length !== 1) throw new Error(`rule ${name} has ${targets.length} targets`)
  return targets[0]!
}

/** The statements of the one queue policy that covers the queue. */
function queuePolicyStatements(queueLogicalId: string): Statement[] {
  const policies = Object.values(resources(events, 'AWS::SQS::QueuePolicy')).filter((p) =>
    list(p.Properties?.Queues as unknown[]).some((q) => JSON.stringify(q) === JSON.stringify({ Ref: queueLogicalId })),
  )
  if (policies.length !== 1) throw new Error(`${policies.length} policies cover ${queueLogicalId}`)
  return list((policies[0]!.Properties?.PolicyDocument as { Statement: Statement | Statement[] }).Statement)
}

/** The alarm on the queue's metric. */
function alarmOn(queueLogicalId: string, metricName: string): Record<string, unknown> {
  const found = Object.values(resources(events, 'AWS::CloudWatch::Alarm')).filter(
    (a) =>
      a.Properties?.MetricName === metricName &&
      JSON.stringify(a.Properties?.Dimensions) ===
        JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueLogicalId, 'QueueName'] } }]),
  )
  if (found.length !== 1) throw new Error(`${found.length} ${metricName} alarms on ${queueLogicalId}`)
  return found[0]!.Properties!
}

const buses = resources(events, 'AWS::Events::EventBus')
const busId = Object.keys(buses)[0]

t.test('one bus, named for the stage', async (t) => {
  t.equal(Object.keys(buses).length, 1)
  t.equal(buses[busId ?? '']?.Properties?.Name, busName('dev'))
})

t.test('one rule per entry of @f1/events/rules, nothing more', async (t) => {
  t.equal(Object.keys(resources(events, 'AWS::Events::Rule')).length, RULES.length)
  t.equal(new Set(RULES.map((r) => r.name)).size, RULES.length, 'rule names are unique')
})

t.test('queues: one event queue and one dead-letter queue per consumer, one dead-letter queue per rule, nothing more', async (t) => {
  t.equal(Object.keys(resources(events, 'AWS::SQS::Queue')).length, 2 * CONSUMERS.length + RULES.length)
  t.same(Object.keys(stacks.events.eventQueues).sort(), [...CONSUMERS].sort())
})

for (const consumer of CONSUMERS) {
  t.test(`${consumer}: its queue is named for the stage and has EVENT_QUEUE's visibility timeout, retention and redrive`, async (t) => {
    const queue = resourceById(queueId(consumer))
    t.strictSame(queue.Properties, {
      QueueName: `f1-${eventQueueName(consumer)}-dev`,
      VisibilityTimeout: EVENT_QUEUE.visibilityTimeoutSeconds,
      MessageRetentionPeriod: EVENT_QUEUE.retentionSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId(consumer), 'Arn'] },
        maxReceiveCount: EVENT_QUEUE.maxReceiveCount,
      },
      // SQS-managed SSE: EventBridge cannot send to a queue under the AWS-managed KMS key.
      SqsManagedSseEnabled: true,
    })
  })

  t.test(`${consumer}: its dead-letter queue is its own, keeps messages 14 days (SQS's maximum) and is encrypted`, async (t) => {
    const dlq = resourceById(deadLetterQueueId(consumer))
    t.strictSame(dlq.Properties, {
      QueueName: `f1-${eventDeadLetterQueueName(consumer)}-dev`,
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    })
    const others = CONSUMERS.filter((c) => c !== consumer).map(deadLetterQueueId)
    t.notOk(others.includes(deadLetterQueueId(consumer)), 'no other consumer shares it')
  })

  t.test(`${consumer}: only events.amazonaws.com may send to its queue, and only from the rules that target it`, async (t) => {
    const statements = queuePolicyStatements(queueId(consumer))
    const allows = statements.filter((s) => s.Effect === 'Allow')
    const expected = RULES.filter((r) => r.target === consumer).map((r) => ruleId(r.name))
    t.ok(expected.length > 0, `${consumer} is the target of a rule`)
    for (const allow of allows) {
      t.same(allow.Principal, { Service: 'events.amazonaws.com' })
      t.ok(list(allow.Action).includes('sqs:SendMessage'))
      t.notOk(
        list(allow.Action).some((a) => a === 'sqs:*' || a === 'sqs:ReceiveMessage' || a === 'sqs:DeleteMessage'),
        'the bus may only send',
      )
      t.same(Object.keys(allow.Condition ?? {}), ['ArnEquals'], 'every allow is conditioned on the source rule')
    }
    const sources = allows.map((s) => getAttArn(s.Condition?.ArnEquals?.['aws:SourceArn']))
    t.same(sources.sort(), expected.sort(), `the rules of ${consumer}: ${expected.join(', ')}`)
  })

  t.test(`${consumer}: its dead-letter queue's policy grants nobody (the consumer sends with its own role)`, async (t) => {
    const statements = queuePolicyStatements(deadLetterQueueId(consumer))
    t.same(
      statements.filter((s) => s.Effect === 'Allow'),
      [],
    )
  })

  t.test(`${consumer}: alarms when its DLQ holds a message and when an event has waited over 15 minutes`, async (t) => {
    t.match(alarmOn(deadLetterQueueId(consumer), 'ApproximateNumberOfMessagesVisible'), {
      AlarmName: `f1-${eventDeadLetterQueueName(consumer)}-not-empty-dev`,
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    })
    t.equal(OLDEST_EVENT_AGE_THRESHOLD.toSeconds(), 900)
    t.match(alarmOn(queueId(consumer), 'ApproximateAgeOfOldestMessage'), {
      AlarmName: `f1-${eventQueueName(consumer)}-too-old-dev`,
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    })
    t.ok(
      OLDEST_EVENT_AGE_THRESHOLD.toSeconds() > 3 * EVENT_QUEUE.visibilityTimeoutSeconds,
      'above the three receives a failing event is counted for',
    )
  })
}

for (const rule of RULES) {
  t.test(`rule ${rule.name}: on the bus with its exact event pattern`, async (t) => {
    const [, resource] = resourceWhere(events, 'AWS::Events::Rule', 'Name', rule.name)
    t.same(resource.Properties?.EventBusName, { Ref: busId })
    t.strictSame(resource.Properties?.EventPattern, rule.eventPattern)
    t.equal(resource.Properties?.State, 'ENABLED')
  })

  t.test(`rule ${rule.name}: puts the whole event on ${rule.target}'s queue`, async (t) => {
    const target = ruleTarget(rule.name)
    t.equal(getAttArn(target.Arn), queueId(rule.target))
    t.equal(resourceById(getAttArn(target.Arn)).Type, 'AWS::SQS::Queue')
    t.notOk(target.Input ?? target.InputPath ?? target.InputTransformer, 'the event as it is (the envelope the consumer checks)')
    t.notOk(target.RoleArn, 'no role: the queue policy lets EventBridge send')
  })

  t.test(`rule ${rule.name}: retries with DELIVERY_RETRY, then dead-letters into its own encrypted queue`, async (t) => {
    const target = ruleTarget(rule.name)
    t.strictSame(target.RetryPolicy, {
      MaximumEventAgeInSeconds: DELIVERY_RETRY.maxEventAge.toSeconds(),
      MaximumRetryAttempts: DELIVERY_RETRY.retryAttempts,
    })
    const dlqId = getAttArn(target.DeadLetterConfig?.Arn)
    const dlq = resourceById(dlqId)
    t.equal(dlq.Type, 'AWS::SQS::Queue')
    t.equal(dlq.Properties?.QueueName, `f1-${rule.name}-dlq-dev`)
    t.equal(dlq.Properties?.SqsManagedSseEnabled, true, 'the DLQ is encrypted')
    const others = [
      ...RULES.filter((r) => r !== rule).map((r) => getAttArn(ruleTarget(r.name).DeadLetterConfig?.Arn)),
      ...CONSUMERS.flatMap((c) => [queueId(c), deadLetterQueueId(c)]),
    ]
    t.notOk(others.includes(dlqId), 'no other rule or consumer shares the queue')
    // EventBridge can only dead-letter into a queue whose policy lets this rule send to it.
    const allows = queuePolicyStatements(dlqId).filter((s) => s.Effect === 'Allow')
    t.equal(allows.length, 1)
    t.match(allows[0], {
      Action: 'sqs:SendMessage',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId(rule.name), 'Arn'] } } },
    })
    t.match(alarmOn(dlqId, 'ApproximateNumberOfMessagesVisible'), {
      AlarmName: `f1-${rule.name}-dlq-not-empty-dev`,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    })
  })
}

t.test('every queue refuses requests without TLS', async (t) => {
  const queueIds = Object.keys(resources(events, 'AWS::SQS::Queue'))
  for (const id of queueIds) {
    const deny = queuePolicyStatements(id).filter((s) => s.Effect === 'Deny')
    t.match(deny, [{ Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }], id)
  }
})

t.test('no API destination, connection or bus secret is left in the events stack', async (t) => {
  for (const type of ['AWS::Events::ApiDestination', 'AWS::Events::Connection', 'AWS::SecretsManager::Secret', 'AWS::IAM::ManagedPolicy']) {
    t.same(Object.keys(resources(events, type)), [], type)
  }
  t.notOk(JSON.stringify(events.toJSON()).includes('x-bus-secret'), 'no bus secret header anywhere')
})
