// One IAM managed policy per app: its tables (and their indexes) with the actions it needs, and
// PutEvents on the bus under its own `source` only. ARNs are built from the stage's names, so the
// policies do not import values from the other stacks and also cover a legacy table that exists outside them.
import { Stack, type StackProps } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import type { Construct } from 'constructs'
import { PUBLISHERS } from '@f1/events/rules'
import { TABLES, type TableDefinition, type TableId } from '@f1/tables'
import { resourceName, type Stage } from './names.ts'
import { SERVICE_TABLES, SERVICES, type Service } from './services.ts'

export interface AccessStackProps extends StackProps {
  stage: Stage
  tableNames: Record<TableId, string>
  busName: string
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase())
}

export class AccessStack extends Stack {
  readonly policies: Record<Service, iam.ManagedPolicy>

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    const { stage, tableNames, busName, ...stackProps } = props
    super(scope, id, stackProps)

    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName })
    /** The table's ARN and one ARN per index it defines: never `index/*`. */
    const tableResources = (table: TableId): string[] => {
      const definition: TableDefinition = TABLES[table]
      const arn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableNames[table] })
      return [arn, ...definition.indexes.map((index) => `${arn}/index/${index.name}`)]
    }

    const policies = {} as Record<Service, iam.ManagedPolicy>
    for (const service of SERVICES) {
      const statements = SERVICE_TABLES[service].map(
        (grant) =>
          new iam.PolicyStatement({
            sid: `${pascal(grant.table)}Table`,
            actions: [...grant.actions],
            resources: tableResources(grant.table),
          }),
      )
      const source: string | undefined = (PUBLISHERS as Partial<Record<Service, string>>)[service]
      if (source) {
        // EventBridge authorizes each PutEvents entry by its source: a compromised service cannot
        // forge another's events (a Subscription Activated from the gateway is refused). An app
        // that publishes nothing (the action log) gets no PutEvents at all.
        statements.push(
          new iam.PolicyStatement({
            sid: 'PublishOwnEvents',
            actions: ['events:PutEvents'],
            resources: [busArn],
            conditions: { StringEquals: { 'events:source': source } },
          }),
        )
      }
      policies[service] = new iam.ManagedPolicy(this, service, {
        managedPolicyName: resourceName(service, stage),
        description: `What ${service} may do on the tables and the bus (${stage})`,
        statements,
      })
    }
    this.policies = policies
  }
}
