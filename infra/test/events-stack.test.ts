import t from 'tap'
import { Annotations, Match } from 'aws-cdk-lib/assertions'
import { BUS_SECRET_HEADER, CONSUMER_PATH, CONSUMERS, RULES } from '@f1/events/rules'
import { placeholderUrl } from '../src/config.ts'
import { busName } from '../src/names.ts'
import { list, resourceWhere, resources, synthesize, type Resource } from './helper.ts'

const { events, stacks } = synthesize()

type Target = { Arn?: unknown; DeadLetterConfig?: { Arn?: unknown }; RetryPolicy?: Record<string, number>; RoleArn?: unknown }

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

for (const rule of RULES) {
  t.test(`rule ${rule.name}: on the bus with its exact event pattern`, async (t) => {
    const [, resource] = resourceWhere(events, 'AWS::Events::Rule', 'Name', rule.name)
    t.same(resource.Properties?.EventBusName, { Ref: busId })
    t.strictSame(resource.Properties?.EventPattern, rule.eventPattern)
    t.equal(resource.Properties?.State, 'ENABLED')
  })

  t.test(`rule ${rule.name}: posts to ${rule.target}${CONSUMER_PATH} through an API destination`, async (t) => {
    const [, resource] = resourceWhere(events, 'AWS::Events::Rule', 'Name', rule.name)
    const targets = list(resource.Properties?.Targets as Target[])
    t.equal(targets.length, 1)
    const destination = resourceById(getAttArn(targets[0]?.Arn))
    t.equal(destination.Type, 'AWS::Events::ApiDestination')
    t.equal(destination.Properties?.InvocationEndpoint, `${placeholderUrl(rule.target, 'dev')}${CONSUMER_PATH}`)
    t.equal(destination.Properties?.HttpMethod, 'POST')
    t.equal(resourceById(getAttArn(destination.Properties?.ConnectionArn)).Type, 'AWS::Events::Connection')
    t.ok(targets[0]?.RoleArn, 'the target has a role that may invoke the destination')
  })

  t.test(`rule ${rule.name}: retries, then dead-letters into its own encrypted queue`, async (t) => {
    const [ruleId, resource] = resourceWhere(events, 'AWS::Events::Rule', 'Name', rule.name)
    const target = list(resource.Properties?.Targets as Target[])[0]
    t.ok((target?.RetryPolicy?.MaximumRetryAttempts ?? 0) > 0, 'retries at least once')
    t.ok((target?.RetryPolicy?.MaximumEventAgeInSeconds ?? 0) >= 3600, 'keeps retrying for at least an hour')
    const dlqId = getAttArn(target?.DeadLetterConfig?.Arn)
    const dlq = resourceById(dlqId)
    t.equal(dlq.Type, 'AWS::SQS::Queue')
    t.ok(dlq.Properties?.SqsManagedSseEnabled === true || dlq.Properties?.KmsMasterKeyId !== undefined, 'the DLQ is encrypted')
    const others = RULES.filter((r) => r !== rule).map((r) => {
      const [, other] = resourceWhere(events, 'AWS::Events::Rule', 'Name', r.name)
      return getAttArn(list(other.Properties?.Targets as Target[])[0]?.DeadLetterConfig?.Arn)
    })
    t.notOk(others.includes(dlqId), 'no other rule shares the queue')
    // EventBridge can only dead-letter into a queue whose policy lets this rule send to it.
    events.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    })
  })
}

t.test('one API destination per consumer', async (t) => {
  t.equal(Object.keys(resources(events, 'AWS::Events::ApiDestination')).length, CONSUMERS.length)
})

t.test('the connection presents the bus secret header, its value from Secrets Manager', async (t) => {
  const [secretId] = Object.entries(resources(events, 'AWS::SecretsManager::Secret')).map(([id]) => id)
  t.ok(secretId, 'a secret exists')
  events.hasResourceProperties('AWS::Events::Connection', {
    AuthorizationType: 'API_KEY',
    AuthParameters: {
      ApiKeyAuthParameters: {
        ApiKeyName: BUS_SECRET_HEADER,
        ApiKeyValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
      },
    },
  })
})

t.test('synth warns about every consumer still on a placeholder URL', async (t) => {
  const warnings = Annotations.fromStack(stacks.events).findWarning('*', Match.stringLikeRegexp('has no URL in context'))
  t.equal(warnings.length, CONSUMERS.length)
})
