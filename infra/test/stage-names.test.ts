// Any stage name matching STAGE_PATTERN works, and every physical name built from the longest one
// stays within its service's limit.
import t from 'tap'
import { App } from 'aws-cdk-lib'
import { CONSUMERS, eventDeadLetterQueueName, eventQueueName } from '@f1/events/rules'
import { buildStacks } from '../src/app.ts'
import { isStage, parseStage, resourceName, stageName } from '../src/names.ts'
import { JOB_DEAD_LETTER_QUEUE_BASE, JOB_QUEUE_BASE } from '../src/simulation-jobs.ts'
import { resources, stageContext, synthesizeAll } from './helper.ts'

const LONGEST = 'pr-4242-feature1'
const synthesized = synthesizeAll(stageContext(LONGEST))

/** Each named resource type: the property holding its name and the service's limit. */
const LIMITS: [type: string, property: string, max: number][] = [
  ['AWS::DynamoDB::Table', 'TableName', 255],
  ['AWS::Events::EventBus', 'Name', 256],
  ['AWS::Events::Rule', 'Name', 64],
  ['AWS::SQS::Queue', 'QueueName', 80],
  ['AWS::CloudWatch::Alarm', 'AlarmName', 255],
  ['AWS::Pipes::Pipe', 'Name', 64],
  ['AWS::StepFunctions::StateMachine', 'StateMachineName', 80],
  ['AWS::IAM::Role', 'RoleName', 64],
  ['AWS::IAM::ManagedPolicy', 'ManagedPolicyName', 128],
  ['AWS::SecretsManager::Secret', 'Name', 512],
  ['AWS::Logs::LogGroup', 'LogGroupName', 512],
  ['AWS::ECS::Cluster', 'ClusterName', 255],
  ['AWS::ECS::Service', 'ServiceName', 255],
  ['AWS::ECS::TaskDefinition', 'Family', 255],
  ['AWS::ServiceDiscovery::HttpNamespace', 'Name', 1024],
  ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'Name', 32],
  ['AWS::ElasticLoadBalancingV2::TargetGroup', 'Name', 32],
]

t.test(`the longest stage (${LONGEST.length} characters) synthesizes, every name within its limit`, async (t) => {
  const templates = [
    synthesized.data,
    synthesized.events,
    synthesized.relay,
    synthesized.access,
    synthesized.network,
    synthesized.loadBalancer,
    synthesized.web,
    synthesized.compute,
  ]
  let checked = 0
  for (const [type, property, max] of LIMITS) {
    for (const template of templates) {
      for (const resource of Object.values(resources(template, type))) {
        const name = resource.Properties?.[property]
        if (name === undefined) continue
        t.type(name, 'string', `${type} ${property} is a literal`)
        t.ok(String(name).length <= max, `${type} ${String(name)} (${String(name).length} <= ${max})`)
        checked++
      }
    }
  }
  t.ok(checked > 60, `${checked} names checked`)
  t.equal(synthesized.stacks.compute.stackName, `f1-compute-${LONGEST}`)
})

t.test(`every consumer's event queue and DLQ is named for the longest stage within SQS's 80 characters`, async (t) => {
  const queueNames = Object.values(resources(synthesized.events, 'AWS::SQS::Queue')).map((r) => r.Properties?.QueueName)
  for (const consumer of CONSUMERS) {
    for (const name of [resourceName(eventQueueName(consumer), LONGEST), resourceName(eventDeadLetterQueueName(consumer), LONGEST)]) {
      t.ok(queueNames.includes(name), `${name} is synthesized`)
      t.ok(name.length <= 80, `${name} (${name.length} <= 80)`)
    }
  }
})

t.test(`the simulation job queue and its DLQ are named for the longest stage within SQS's 80 characters`, async (t) => {
  const queueNames = Object.values(resources(synthesized.compute, 'AWS::SQS::Queue')).map((r) => r.Properties?.QueueName)
  const names = [resourceName(JOB_QUEUE_BASE, LONGEST), resourceName(JOB_DEAD_LETTER_QUEUE_BASE, LONGEST)]
  t.same(names, [`f1-simulation-jobs-${LONGEST}`, `f1-simulation-jobs-dlq-${LONGEST}`])
  t.same([...queueNames].sort(), [...names].sort(), 'the compute stack has exactly these two queues')
  for (const name of names) t.ok(name.length <= 80, `${name} (${name.length} <= 80)`)
  const alarmNames = Object.values(resources(synthesized.compute, 'AWS::CloudWatch::Alarm')).map((r) => String(r.Properties?.AlarmName))
  t.same(alarmNames.sort(), [`f1-simulation-jobs-dlq-not-empty-${LONGEST}`, `f1-simulation-jobs-too-old-${LONGEST}`])
})

t.test('any stage but dev gets -<stage> names; dev keeps the seed names', async (t) => {
  t.equal(stageName('f1-user-usage-dev', 'staging'), 'f1-user-usage-staging')
  t.equal(stageName('f1-simulation-results', 'pr-42'), 'f1-simulation-results-pr-42')
  t.equal(stageName('f1-user-usage-dev', 'dev'), 'f1-user-usage-dev')
  for (const stage of ['dev', 'prod', 'staging', 'pr-42', 'qa2', LONGEST]) t.ok(isStage(stage), stage)
})

t.test('an invalid stage is refused with the rule and the value', async (t) => {
  // `local` is the local stack's stage: the apps would apply their local defaults in it.
  for (const stage of ['Prod', 'p', '1st', '-dev', 'pr_42', 'pr.42', 'a'.repeat(17), 'staging ', 'local']) {
    t.notOk(isStage(stage), JSON.stringify(stage))
    t.throws(() => parseStage(stage), {
      message: `context stage must match ^[a-z][a-z0-9-]{1,15}$ (a lowercase letter, then 1 to 15 lowercase letters, digits or hyphens: dev, prod, staging, pr-42) and not be \`local\` (the local stack's), got ${JSON.stringify(stage)}`,
    })
  }
  t.throws(() => buildStacks(new App({ context: { ...stageContext('x'), stage: 'Staging' } })), /context stage must match .*got "Staging"/)
})
