import t from 'tap'
import { TABLE_IDS, TABLES, type TableDefinition, type TableId } from '@f1/tables'
import { busName, stageTableNames } from '../src/names.ts'
import { MIGRATION_STAGE_ACTIONS } from '../src/services.ts'
import { SERVICE_NAMES, type ServiceName } from '@f1/contracts/services'
import { list, renderArn, resourceWhere, synthesize } from './helper.ts'

const { access } = synthesize()
const names = stageTableNames('dev')

// The architecture's ownership, stated independently of src/services.ts: the owner reads and
// writes its table; the migrator also writes the four new data tables; legacy is written only by
// the gateway (profiles) and read by the subscription service's fallback and the migrator; the
// gateway's own table (Idempotency-Key records, its outbox) is the gateway's alone; deletes are
// listed in DELETES below.
const OWNER: Record<TableId, ServiceName> = {
  subscriptions: 'subscription-service',
  usage: 'usage-service',
  actions: 'action-log-service',
  simulations: 'simulation-service',
  legacy: 'gateway',
  gateway: 'gateway',
  migration: 'migrator',
}
// subscription-service follows the migration's stage for subscriptions: it reads the stage and adds
// its shadow figures in the migrator's table (nothing else of it: no delete, no scan).
const mayWrite = (service: ServiceName, table: TableId) =>
  OWNER[table] === service ||
  (service === 'migrator' && table !== 'legacy' && table !== 'gateway') ||
  (service === 'subscription-service' && table === 'migration')
const mayRead = (service: ServiceName, table: TableId) =>
  mayWrite(service, table) || (table === 'legacy' && (service === 'subscription-service' || service === 'migrator'))

const READS = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
])

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }

interface Grant {
  table: TableId
  index?: string
  actions: string[]
}

const TABLE_ARN = /^arn:aws:dynamodb:region:account:table\/([^/]+)(?:\/index\/([^/]+))?$/
const BUS_ARN = `arn:aws:events:region:account:event-bus/${busName('dev')}`

/**
 * The sources a PutEvents statement is limited to: the values of its one `StringEquals` on
 * `events:source`, or undefined when any other condition (or none) would let other sources through.
 */
function sourcesOf(statement: Statement): string[] | undefined {
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined
  if (!condition || Object.keys(condition).length !== 1 || !condition.StringEquals) return undefined
  const keys = Object.keys(condition.StringEquals)
  if (keys.length !== 1 || keys[0] !== 'events:source') return undefined
  return list(condition.StringEquals['events:source'] as string | string[])
}

/** What a policy document grants, resolved to table ids and event sources; anything unknown or wild is a violation. */
function analyse(statements: Statement[]): { grants: Grant[]; putEvents: string[]; sources: string[]; violations: string[] } {
  const grants: Grant[] = []
  const putEvents: string[] = []
  const sources: string[] = []
  const violations: string[] = []
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue
    const actions = list(statement.Action)
    for (const resource of list(statement.Resource).map(renderArn)) {
      if (resource.includes('*') || resource.includes('?')) violations.push(`wildcard resource ${resource}`)
      for (const action of actions) if (action.includes('*')) violations.push(`wildcard action ${action}`)
      const events = actions.filter((a) => a.startsWith('events:'))
      const dynamodb = actions.filter((a) => a.startsWith('dynamodb:'))
      if (events.length + dynamodb.length !== actions.length) violations.push(`unexpected actions ${actions.join(', ')}`)
      if (events.length > 0) {
        if (resource === BUS_ARN) putEvents.push(...events)
        else violations.push(`${events.join(', ')} on ${resource}`)
        const limited = sourcesOf(statement)
        if (limited) sources.push(...limited)
        else violations.push(`${events.join(', ')} without an events:source condition`)
      }
      if (dynamodb.length === 0) continue
      const match = TABLE_ARN.exec(resource)
      const table = TABLE_IDS.find((id) => names[id] === match?.[1])
      if (!match || !table) {
        violations.push(`${dynamodb.join(', ')} on ${resource}, which is none of the stage's tables`)
        continue
      }
      const index = match[2]
      const definition: TableDefinition = TABLES[table]
      if (index !== undefined && !definition.indexes.some((i) => i.name === index)) violations.push(`unknown index ${index} of ${table}`)
      grants.push({ table, ...(index === undefined ? {} : { index }), actions: dynamodb })
    }
  }
  return { grants, putEvents, sources, violations }
}

function violationsOf(service: ServiceName, statements: Statement[]): string[] {
  const { grants, violations } = analyse(statements)
  for (const grant of grants) {
    const writes = grant.actions.filter((a) => !READS.has(a))
    if (!mayRead(service, grant.table)) violations.push(`${service} may ${grant.actions.join(', ')} on ${grant.table}`)
    else if (writes.length > 0 && !mayWrite(service, grant.table)) violations.push(`${service} may ${writes.join(', ')} on ${grant.table}`)
  }
  return violations
}

function statementsOf(service: ServiceName): Statement[] {
  const [, policy] = resourceWhere(access, 'AWS::IAM::ManagedPolicy', 'ManagedPolicyName', `f1-${service}-dev`)
  return list((policy.Properties?.PolicyDocument as { Statement: Statement | Statement[] }).Statement)
}

t.test("the check itself flags another service's table, a wildcard and an unknown table", async (t) => {
  const arn = (name: string) => ({
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, `:dynamodb:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:table/${name}`],
    ],
  })
  const found = violationsOf('usage-service', [
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: arn(names.actions) },
    { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arn(names.legacy) },
    { Effect: 'Allow', Action: 'dynamodb:Query', Resource: arn(`${names.usage}/index/*`) },
    { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arn('someone-elses-table') },
  ])
  t.same(found.sort(), [
    "dynamodb:GetItem on arn:aws:dynamodb:region:account:table/someone-elses-table, which is none of the stage's tables",
    'unknown index * of usage',
    'usage-service may dynamodb:GetItem on legacy',
    'usage-service may dynamodb:PutItem on actions',
    `wildcard resource arn:aws:dynamodb:region:account:table/${names.usage}/index/*`,
  ])
  t.same(violationsOf('usage-service', [{ Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: [arn(names.usage)] }]), [])
})

for (const service of SERVICE_NAMES) {
  t.test(`${service}: touches no other service's table and uses no wildcard`, async (t) => {
    t.same(violationsOf(service, statementsOf(service)), [])
  })

  t.test(`${service}: may not put events on the bus (its events leave through its outbox's relay pipe)`, async (t) => {
    t.same(analyse(statementsOf(service)).putEvents, [])
  })
}

for (const table of TABLE_IDS) {
  const owner = OWNER[table]
  t.test(`${owner} may read and write ${table}, with every index it defines`, async (t) => {
    const { grants } = analyse(statementsOf(owner))
    const onTable = grants.filter((g) => g.table === table)
    const definition: TableDefinition = TABLES[table]
    t.same(onTable.map((g) => g.index).sort(), [undefined, ...definition.indexes.map((i) => i.name)].sort())
    for (const grant of onTable) {
      t.ok(grant.actions.includes('dynamodb:GetItem') && grant.actions.includes('dynamodb:Query'), `reads ${grant.index ?? 'the table'}`)
      t.ok(
        grant.actions.includes('dynamodb:PutItem') && grant.actions.includes('dynamodb:UpdateItem'),
        `writes ${grant.index ?? 'the table'}`,
      )
    }
  })
}

t.test("subscription-service reads the migration's stages and adds its shadow figures, nothing more", async (t) => {
  const onMigration = analyse(statementsOf('subscription-service')).grants.filter((g) => g.table === 'migration')
  t.same(onMigration.flatMap((g) => g.actions).sort(), [...MIGRATION_STAGE_ACTIONS].sort())
})

t.test('the subscription service and the migrator read legacy but never write it', async (t) => {
  for (const service of ['subscription-service', 'migrator'] as const) {
    const legacy = analyse(statementsOf(service)).grants.filter((g) => g.table === 'legacy')
    t.ok(legacy.length > 0, `${service} reads legacy`)
    t.same(
      legacy.flatMap((g) => g.actions.filter((a) => !READS.has(a))),
      [],
      `${service} never writes legacy`,
    )
  }
})

t.test('only the migrator may scan', async (t) => {
  for (const service of SERVICE_NAMES) {
    const scans = analyse(statementsOf(service)).grants.some((g) => g.actions.includes('dynamodb:Scan'))
    t.equal(scans, service === 'migrator', service)
  }
})

// Deletes only where a record's life ends by design: the migrator's own state (a released lock, a
// finished run), the gateway's Idempotency-Key records released after a failed request, and the
// hidden results simulation-service discards when their charge was refunded.
const DELETES: Partial<Record<ServiceName, TableId[]>> = {
  migrator: ['migration'],
  gateway: ['gateway'],
  'simulation-service': ['simulations'],
}

t.test('only the migrator, the gateway and simulation-service delete, each only in its own table', async (t) => {
  for (const service of SERVICE_NAMES) {
    const deletes = analyse(statementsOf(service)).grants.filter((g) => g.actions.includes('dynamodb:DeleteItem'))
    t.same([...new Set(deletes.map((g) => g.table))], DELETES[service] ?? [], service)
  }
})
