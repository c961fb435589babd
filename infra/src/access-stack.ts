// One IAM managed policy per app: its tables (and their indexes) with the actions it needs. No app
// may put events on the bus: its events leave through its table's outbox, whose relay pipe may put
// them only with that app's source (relay-stack.ts). ARNs are built from the stage's names, so the
// policies do not import values from the other stacks and also cover a legacy table that exists outside them.
import { Stack, type StackProps } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import type { Construct } from 'constructs'
import { TABLES, type TableDefinition, type TableId } from '@f1/tables'
import { resourceName, type Stage } from './names.ts'
import { SERVICE_NAMES, type ServiceName } from '@f1/contracts/services'
import { SERVICE_TABLES } from './services.ts'

export interface AccessStackProps extends StackProps {
  stage: Stage
  tableNames: Record<TableId, string>
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase())
}

export class AccessStack extends Stack {
  readonly policies: Record<ServiceName, iam.ManagedPolicy>

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    const { stage, tableNames, ...stackProps } = props
    super(scope, id, stackProps)

    /** The table's ARN and one ARN per index it defines: never `index/*`. */
    const tableResources = (table: TableId): string[] => {
      const definition: TableDefinition = TABLES[table]
      const arn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableNames[table] })
      return [arn, ...definition.indexes.map((index) => `${arn}/index/${index.name}`)]
    }

    const policies = {} as Record<ServiceName, iam.ManagedPolicy>
    for (const service of SERVICE_NAMES) {
      const statements = SERVICE_TABLES[service].map(
        (grant) =>
          new iam.PolicyStatement({
            sid: `${pascal(grant.table)}Table`,
            actions: [...grant.actions],
            resources: tableResources(grant.table),
          }),
      )
      policies[service] = new iam.ManagedPolicy(this, service, {
        managedPolicyName: resourceName(service, stage),
        description: `What ${service} may do on the tables (${stage})`,
        statements,
      })
    }
    this.policies = policies
  }
}
