import t from 'tap'
import { PUBLISHERS } from '@f1/events/rules'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { busName, tableName } from '../src/names.ts'
import { OUTBOX_PRODUCERS, SERVICE_TABLES } from '../src/services.ts'
import { list, renderArn, resourceWhere, resources, synthesize, type Resource } from './helper.ts'

const { data, relay, stacks } = synthesize()

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Principal?: unknown }
type PipeProperties = {
  Name: string
  RoleArn: unknown
  Source: unknown
  Enrichment: unknown
  Target: unknown
  SourceParameters: {
    FilterCriteria: { Filters: { Pattern: string }[] }
    DynamoDBStreamParameters: Record<string, unknown> & { DeadLetterConfig: { Arn: unknown } }
  }
  TargetParameters: Record<string, unknown>
}

// The architecture's event sources per outbox table, stated here independently of PUBLISHERS and
// OUTBOX_PRODUCERS: a table's outbox holds the events of the service that owns the table.
const OWN_SOURCE: Record<OutboxTableId, string> = {
  subscriptions: 'f1.subscriptions',
  usage: 'f1.usage',
  simulations: 'f1.simulations',
  gateway: 'f1.gateway',
  migration: 'f1.migrator',
}

/** What AWS documents a pipe needs on a DynamoDB stream source (besides ListStreams). */
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']

const relayResources = relay.toJSON().Resources as Record<string, Resource>

function pipeOf(table: OutboxTableId): PipeProperties {
  const [, pipe] = resourceWhere(relay, 'AWS::Pipes::Pipe', 'Name', `f1-relay-${table}-dev`)
  return pipe.Properties as unknown as PipeProperties
}

/** The logical id a `Ref` or `Fn::GetAtt [id, attribute]` points at. */
function pointee(value: unknown, attribute?: string): string {
  const ref = (value as { Ref?: unknown }).Ref
  if (attribute === undefined && typeof ref === 'string') return ref
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt']
  if (Array.isArray(getAtt) && getAtt[1] === attribute && typeof getAtt[0] === 'string') return getAtt[0]
  throw new Error(`not a reference to ${attribute ?? 'a resource'}: ${JSON.stringify(value)}`)
}

function relayResource(id: string): Resource {
  const resource = relayResources[id]
  if (!resource) throw new Error(`no resource ${id} in the relay stack`)
  return resource
}

/** The data-stack table whose StreamArn an `Fn::ImportValue` reads. */
function importedStreamTable(value: unknown): string {
  const exportName = (value as { 'Fn::ImportValue'?: unknown })['Fn::ImportValue']
  if (typeof exportName !== 'string') throw new Error(`not an import: ${JSON.stringify(value)}`)
  const outputs = (data.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>
  const output = Object.values(outputs).find((o) => o.Export?.Name === exportName)
  if (!output) throw new Error(`the data stack exports no ${exportName}`)
  const tableId = pointee(output.Value, 'StreamArn')
  const table = (data.toJSON().Resources as Record<string, Resource>)[tableId]
  if (table?.Type !== 'AWS::DynamoDB::Table') throw new Error(`${tableId} is not a table`)
  return String(table.Properties?.TableName)
}

function roleStatements(roleId: string): Statement[] {
  const role = relayResource(roleId)
  const policies = (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  return policies.flatMap((p) => p.PolicyDocument.Statement)
}

const bySid = (a: Statement, b: Statement) => String(a.Sid).localeCompare(String(b.Sid))

t.test('exactly one pipe per outbox table, nothing more', async (t) => {
  const names = Object.values(resources(relay, 'AWS::Pipes::Pipe')).map((p) => p.Properties?.Name)
  t.same(names.sort(), OUTBOX_TABLE_IDS.map((id) => `f1-relay-${id}-dev`).sort())
})

t.test('the relay stack deploys after the alarm topic (its alarms notify it), the tables and the bus', async (t) => {
  const dependencies = stacks.relay.dependencies.map((s) => s.stackName).sort()
  t.same(dependencies, ['f1-alerts-dev', 'f1-data-dev', 'f1-events-dev'])
})

for (const table of OUTBOX_TABLE_IDS) {
  t.test(`${table}: the pipe reads ${table}'s own stream`, async (t) => {
    t.equal(importedStreamTable(pipeOf(table).Source), tableName(table, 'dev'))
  })

  t.test(`${table}: the pipe takes inserted outbox items only`, async (t) => {
    const filters = pipeOf(table).SourceParameters.FilterCriteria.Filters
    t.equal(filters.length, 1)
    t.strictSame(JSON.parse(filters[0]!.Pattern), {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { outbox_event_id: { S: [{ exists: true }] } } },
    })
  })

  t.test(`${table}: reads from the trim horizon, ten records at a time, with bounded retries then its DLQ`, async (t) => {
    const { DeadLetterConfig, ...reading } = pipeOf(table).SourceParameters.DynamoDBStreamParameters
    t.strictSame(reading, {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 6 * 3600,
      OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
    })
    t.ok(DeadLetterConfig.Arn, 'has a DLQ')
    // What the choice must keep true whatever the numbers become.
    const age = reading.MaximumRecordAgeInSeconds as number
    t.ok(age >= 3600, 'an outage of minutes (even an hour) is ridden out, not dead-lettered')
    t.ok(age <= 86_400 - 12 * 3600, 'a dead-lettered batch leaves at least 12 of the stream’s 24 hours to replay it')
    t.ok((reading.MaximumRetryAttempts as number) > 0, 'a poison record ends in the DLQ (-1 would retry it until it expires)')
    t.ok((reading.BatchSize as number) <= 10, 'no larger than one PutEvents call')
  })

  t.test(`${table}: puts on the stage's bus with source, detail-type and time from each record and the parsed detail`, async (t) => {
    const pipe = pipeOf(table)
    t.equal(renderArn(pipe.Target), `arn:aws:events:region:account:event-bus/${busName('dev')}`)
    t.strictSame(pipe.TargetParameters, {
      InputTemplate: '<$.detail>',
      EventBridgeEventBusParameters: { Source: '$.source', DetailType: '$.detailType', Time: '$.time' },
    })
  })

  t.test(`${table}: its enrichment is its own Express workflow, which may call nothing`, async (t) => {
    const machineId = pointee(pipeOf(table).Enrichment)
    const machine = relayResource(machineId)
    t.equal(machine.Type, 'AWS::StepFunctions::StateMachine')
    t.equal(machine.Properties?.StateMachineType, 'EXPRESS')
    t.equal(machine.Properties?.StateMachineName, `f1-relay-${table}-dev`)
    t.type(machine.Properties?.DefinitionString, 'string', 'a literal definition, evaluated in outbox-relay.test.ts')
    const others = OUTBOX_TABLE_IDS.filter((other) => other !== table).map((other) => pointee(pipeOf(other).Enrichment))
    t.notOk(others.includes(machineId), 'no other pipe shares it')
    const role = relayResource(pointee(machine.Properties?.RoleArn, 'Arn'))
    t.equal(role.Properties?.Policies, undefined, 'its role has no inline policy')
    t.equal(role.Properties?.ManagedPolicyArns, undefined, 'nor a managed one')
  })

  t.test(`${table}: dead-letters into its own encrypted queue, alarmed as soon as it holds a message`, async (t) => {
    const dlqId = pointee(pipeOf(table).SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn, 'Arn')
    const dlq = relayResource(dlqId)
    t.equal(dlq.Type, 'AWS::SQS::Queue')
    t.equal(dlq.Properties?.QueueName, `f1-relay-${table}-dlq-dev`)
    t.equal(dlq.Properties?.SqsManagedSseEnabled, true, 'encrypted (SQS-managed SSE)')
    t.equal(dlq.Properties?.MessageRetentionPeriod, 14 * 86_400)
    const others = OUTBOX_TABLE_IDS.filter((other) => other !== table).map((other) =>
      pointee(pipeOf(other).SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn, 'Arn'),
    )
    t.notOk(others.includes(dlqId), 'no other pipe shares it')
    const [, alarm] = resourceWhere(relay, 'AWS::CloudWatch::Alarm', 'AlarmName', `f1-relay-${table}-dlq-not-empty-dev`)
    t.match(alarm.Properties, {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    })
  })

  t.test(
    `${table}: the pipe's role may read its stream, start its enrichment, put ${OWN_SOURCE[table]} events on the bus and dead-letter, nothing else`,
    async (t) => {
      const pipe = pipeOf(table)
      const statements = roleStatements(pointee(pipe.RoleArn, 'Arn'))
      t.strictSame([...statements].sort(bySid), [
        {
          Sid: 'DeadLetter',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: pipe.SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn,
        },
        // ListStreams has no resource type in IAM: `*` is the only resource it accepts.
        { Sid: 'ListStreams', Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
        {
          Sid: 'PublishProducerEvents',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: pipe.Target,
          Condition: { StringEquals: { 'events:source': [OWN_SOURCE[table]] } },
        },
        { Sid: 'ReadOwnStream', Effect: 'Allow', Action: STREAM_READ, Resource: pipe.Source },
        { Sid: 'StartOwnEnrichment', Effect: 'Allow', Action: 'states:StartSyncExecution', Resource: pipe.Enrichment },
      ])
    },
  )

  t.test(`${table}: only this pipe, in this account, may assume its role`, async (t) => {
    const role = relayResource(pointee(pipeOf(table).RoleArn, 'Arn'))
    const trust = list((role.Properties?.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement)
    t.equal(trust.length, 1)
    t.match(trust[0], { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'pipes.amazonaws.com' } })
    const condition = (trust[0]?.Condition as { StringEquals: Record<string, unknown> }).StringEquals
    t.same(condition['aws:SourceAccount'], { Ref: 'AWS::AccountId' })
    t.equal(renderArn(condition['aws:SourceArn']), `arn:aws:pipes:region:account:pipe/${pipeOf(table).Name}`)
  })

  t.test(`${table}: the source its relay may put is the one its producer publishes under`, async (t) => {
    const producer = OUTBOX_PRODUCERS[table]
    t.equal(PUBLISHERS[producer], OWN_SOURCE[table])
    const writes = SERVICE_TABLES[producer].some((grant) => grant.table === table && grant.actions.includes('dynamodb:PutItem'))
    t.ok(writes, `${producer} writes ${table}, where its outbox is`)
  })
}

t.test('no role of the relay stack has a wildcard action, or a wildcard resource other than ListStreams', async (t) => {
  const roles = Object.keys(resources(relay, 'AWS::IAM::Role'))
  t.equal(roles.length, OUTBOX_TABLE_IDS.length * 2, 'a pipe role and an enrichment role per table')
  for (const roleId of roles) {
    for (const statement of roleStatements(roleId)) {
      for (const action of list(statement.Action)) t.notMatch(action, /\*/, `${roleId}: ${action}`)
      if (list(statement.Resource).includes('*')) t.same(statement.Action, 'dynamodb:ListStreams', `${roleId}: * only for ListStreams`)
    }
  }
  t.same(Object.keys(resources(relay, 'AWS::IAM::Policy')), [], 'no policy attached outside the roles above')
  t.same(Object.keys(resources(relay, 'AWS::IAM::ManagedPolicy')), [])
})
