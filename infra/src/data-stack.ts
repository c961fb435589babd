// The DynamoDB tables, built from their definitions in @f1/tables (keys, GSIs, TTL, the outbox flag
// are never restated here). Every table keeps its data: deletion protection, RETAIN, point-in-time
// recovery. A table that holds an outbox streams its new images to the relay stack's pipe.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import type { Construct } from 'constructs'
import { TABLE_IDS, TABLES, type AttributeType, type KeyAttribute, type TableDefinition, type TableId } from '@f1/tables'

export interface DataStackProps extends StackProps {
  /** Every table's physical name in the stage. */
  tableNames: Record<TableId, string>
  /** False when the legacy table already exists outside this stack (it is then only referenced by name). */
  manageLegacyTable: boolean
}

const ATTRIBUTE_TYPES: Record<AttributeType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] }
}

/** The CDK table properties of a definition (keys, TTL, stream, and the data-keeping settings). */
export function tableProps(definition: TableDefinition, name: string): dynamodb.TableProps {
  return {
    tableName: name,
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
    // New images only: the relay reads an inserted outbox item whole and needs nothing older.
    ...(definition.outbox ? { stream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // KMS with the AWS-managed key (alias/aws/dynamodb): encrypted at rest and auditable in
    // CloudTrail, with no key policy to keep in step with the service roles.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
  }
}

export class DataStack extends Stack {
  /** The tables this stack creates (the legacy one is absent when it is not managed here). */
  readonly tables: Partial<Record<TableId, dynamodb.Table>> = {}

  constructor(scope: Construct, id: string, props: DataStackProps) {
    const { tableNames, manageLegacyTable, ...stackProps } = props
    super(scope, id, stackProps)
    for (const tableId of TABLE_IDS) {
      if (tableId === 'legacy' && !manageLegacyTable) continue
      const definition: TableDefinition = TABLES[tableId]
      const table = new dynamodb.Table(this, tableId, tableProps(definition, tableNames[tableId]))
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          projectionType: dynamodb.ProjectionType.ALL,
        })
      }
      this.tables[tableId] = table
    }
  }
}
