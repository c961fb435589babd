import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { App } from 'aws-cdk-lib'
import { CONSUMERS, eventDeadLetterQueueName, eventQueueName } from '@f1/events/rules'
import { TABLE_IDS, TABLES } from '@f1/tables'
import { OUTBOX_TABLE_IDS } from '@f1/tables/outbox'
import { buildStacks } from '../src/app.ts'
import { SERVICE_NAMES } from '@f1/contracts/services'
import { list, renderArn, resources, stageContext, synthesize } from './helper.ts'

const tableNamesIn = (template: ReturnType<typeof synthesize>['data']) =>
  Object.values(resources(template, 'AWS::DynamoDB::Table')).map((r) => String(r.Properties?.TableName))

const policyArns = (template: ReturnType<typeof synthesize>['access']) =>
  Object.values(resources(template, 'AWS::IAM::ManagedPolicy')).flatMap((p) =>
    list((p.Properties?.PolicyDocument as { Statement: { Resource: unknown }[] }).Statement).flatMap((s) =>
      list(s.Resource).map(renderArn),
    ),
  )

const dev = synthesize()
const prod = synthesize(stageContext('prod'))

t.test('dev keeps the seed names the apps default to', async (t) => {
  t.same(tableNamesIn(dev.data).sort(), TABLE_IDS.map((id) => TABLES[id].defaultName).sort())
  dev.events.hasResourceProperties('AWS::Events::EventBus', { Name: 'f1-events-dev' })
  t.same(dev.stacks.data.stackName, 'f1-data-dev')
})

t.test('-c stage=prod renames every table, the bus, policies and stacks without code changes', async (t) => {
  const names = tableNamesIn(prod.data)
  t.equal(names.length, TABLE_IDS.length)
  for (const name of names) t.match(name, /^f1-[a-z-]+-prod$/, name)
  t.notOk(
    names.some((n) => n.includes('-dev')),
    'no dev name is left',
  )
  t.ok(names.includes('f1-user-usage-prod') && names.includes('f1-simulation-results-prod'))
  prod.events.hasResourceProperties('AWS::Events::EventBus', { Name: 'f1-events-prod' })
  for (const service of SERVICE_NAMES) prod.access.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: `f1-${service}-prod` })
  t.same(
    [prod.stacks.data.stackName, prod.stacks.events.stackName, prod.stacks.relay.stackName, prod.stacks.access.stackName],
    ['f1-data-prod', 'f1-events-prod', 'f1-relay-prod', 'f1-access-prod'],
  )
})

t.test('-c stage=prod names every relay resource for prod and points its pipes at the prod bus', async (t) => {
  const named = [
    ...Object.values(resources(prod.relay, 'AWS::Pipes::Pipe')).map((r) => r.Properties?.Name),
    ...Object.values(resources(prod.relay, 'AWS::StepFunctions::StateMachine')).map((r) => r.Properties?.StateMachineName),
    ...Object.values(resources(prod.relay, 'AWS::IAM::Role')).flatMap((r) => (r.Properties?.RoleName ? [r.Properties.RoleName] : [])),
    ...Object.values(resources(prod.relay, 'AWS::SQS::Queue')).map((r) => r.Properties?.QueueName),
    ...Object.values(resources(prod.relay, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties?.AlarmName),
  ]
  t.equal(named.length, OUTBOX_TABLE_IDS.length * 5)
  for (const name of named) t.match(name, /^f1-relay-[a-z]+(-dlq|-dlq-not-empty)?-prod$/, String(name))
  for (const pipe of Object.values(resources(prod.relay, 'AWS::Pipes::Pipe'))) {
    t.equal(renderArn(pipe.Properties?.Target), 'arn:aws:events:region:account:event-bus/f1-events-prod')
  }
})

t.test('prod policies point at the prod tables and bus only', async (t) => {
  const arns = policyArns(prod.access)
  t.ok(arns.length > 0)
  for (const arn of arns) t.match(arn, /(table\/[a-z0-9-]+-prod(\/index\/.+)?|event-bus\/f1-events-prod)$/, arn)
})

t.test('-c stage=prod names every consumer queue, DLQ and alarm for prod', async (t) => {
  const queueNames = Object.values(resources(prod.events, 'AWS::SQS::Queue')).map((r) => String(r.Properties?.QueueName))
  for (const consumer of CONSUMERS) {
    t.ok(queueNames.includes(`f1-${eventQueueName(consumer)}-prod`), `${consumer}'s queue`)
    t.ok(queueNames.includes(`f1-${eventDeadLetterQueueName(consumer)}-prod`), `${consumer}'s DLQ`)
  }
  for (const name of queueNames) t.match(name, /^f1-[a-z-]+-prod$/, name)
  for (const alarm of Object.values(resources(prod.events, 'AWS::CloudWatch::Alarm')))
    t.match(alarm.Properties?.AlarmName, /^f1-[a-z-]+-prod$/)
})

t.test('bad context is refused before anything is synthesized', async (t) => {
  const build = (context: Record<string, string>) => () => buildStacks(new App({ context }))
  t.throws(build({ stage: 'prod' }), /stripePricePro and stripePriceTeam are required for stage prod/)
  t.throws(build({ ...stageContext('prod'), certificateArn: '' }), /certificateArn is required for stage prod/)
  t.throws(build({ ...stageContext('prod'), apiDomainName: '' }), /apiDomainName is required with certificateArn/)
  t.throws(build({ ...stageContext('prod'), certificateArn: 'arn:aws:iam::123456789012:role/x' }), /not an ACM certificate ARN/)
  t.throws(build({ ...stageContext('prod'), stripePriceTeam: '' }), /stripePricePro and stripePriceTeam are required for stage prod/)
  t.throws(build({ natGateways: '3' }), /natGateways must be an integer from 1 to 2, got "3"/)
  t.throws(build({ logRetentionDays: '10' }), /logRetentionDays must be one of CloudWatch's values/)
  t.throws(build({ gatewayMinTasks: '4', gatewayMaxTasks: '3' }), /gatewayMaxTasks \(3\) is below gatewayMinTasks \(4\)/)
  t.throws(build({ appOrigin: 'https://console.example.com/app' }), /appOrigin must be an origin/)
  t.throws(build({ appOrigin: 'http://console.example.com' }), /appOrigin must be an https:\/\/ URL/)
  t.throws(build({ appOrigin: 'not a url' }), /appOrigin is not a URL/)
})

t.test('-c legacyTableName references an existing legacy table instead of creating it', async (t) => {
  const existing = synthesize({ legacyTableName: 'f1-strategy-metadata-dev' })
  const names = tableNamesIn(existing.data)
  t.equal(names.length, TABLE_IDS.length - 1)
  t.notOk(names.includes('f1-strategy-metadata-dev'))
  t.ok(policyArns(existing.access).some((arn) => arn.endsWith(':table/f1-strategy-metadata-dev/index/email-index')))
})

t.test('pnpm synth writes every template with no AWS credentials, account or Docker', async (t) => {
  const outdir = mkdtempSync(join(tmpdir(), 'f1-cdk-'))
  t.teardown(() => rmSync(outdir, { recursive: true, force: true }))
  const env: Record<string, string> = { CDK_OUTDIR: outdir }
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('AWS_') && !key.startsWith('CDK_')) env[key] = value
  }
  env.CDK_OUTDIR = outdir
  env.AWS_SHARED_CREDENTIALS_FILE = join(outdir, 'no-credentials')
  env.AWS_CONFIG_FILE = join(outdir, 'no-config')
  const infra = fileURLToPath(new URL('..', import.meta.url))
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts', '-c', 'stage=dev'], { cwd: infra, env, encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  for (const stack of [
    'f1-data-dev',
    'f1-events-dev',
    'f1-relay-dev',
    'f1-access-dev',
    'f1-network-dev',
    'f1-lb-dev',
    'f1-web-dev',
    'f1-compute-dev',
  ]) {
    const file = join(outdir, `${stack}.template.json`)
    t.ok(existsSync(file), `${stack} template written`)
    t.ok(Object.keys(JSON.parse(readFileSync(file, 'utf8')).Resources ?? {}).length > 0, `${stack} has resources`)
  }
  t.notMatch(run.stderr, /has no URL in context/, 'no consumer URL to report any more')
  t.match(run.stderr, /listens on HTTP only/, 'a dev stage without a certificate is reported')
  // The images are staged (their build context copied), not built: synth needs no Docker.
  t.ok(
    readdirSync(outdir).some((entry) => entry.startsWith('asset.') && existsSync(join(outdir, entry, 'deploy/Dockerfile'))),
    'the Docker build context is staged',
  )
})
