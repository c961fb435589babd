// Builds the stacks of one stage into a CDK app from its context (see README for the values).
import { Annotations, type App } from 'aws-cdk-lib'
import { OUTBOX_TABLE_IDS, type OutboxTableId } from '@f1/tables/outbox'
import { AccessStack } from './access-stack.ts'
import { readConfig, type InfraConfig } from './config.ts'
import { DataStack } from './data-stack.ts'
import { EventsStack } from './events-stack.ts'
import { busName, stageTableNames } from './names.ts'
import { RelayStack } from './relay-stack.ts'

export interface F1Stacks {
  config: InfraConfig
  data: DataStack
  events: EventsStack
  relay: RelayStack
  access: AccessStack
}

/** The stream of every outbox table, from the data stack (each such table is always managed there). */
function outboxStreamArns(data: DataStack): Record<OutboxTableId, string> {
  const arns = {} as Record<OutboxTableId, string>
  for (const id of OUTBOX_TABLE_IDS) {
    const streamArn = data.tables[id]?.tableStreamArn
    if (!streamArn) throw new Error(`outbox table ${id} has no stream in the data stack`)
    arns[id] = streamArn
  }
  return arns
}

/** Adds the data, events, relay and access stacks of the context's stage to the app (env-agnostic). */
export function buildStacks(app: App): F1Stacks {
  const config = readConfig(app.node)
  const { stage } = config
  const tableNames = stageTableNames(stage, config.existingLegacyTableName)
  const common = { analyticsReporting: false, tags: { project: 'f1-race-sim', stage } }

  const data = new DataStack(app, `f1-data-${stage}`, {
    ...common,
    description: `F1 Race Sim DynamoDB tables (${stage})`,
    tableNames,
    manageLegacyTable: config.existingLegacyTableName === undefined,
  })
  const events = new EventsStack(app, `f1-events-${stage}`, {
    ...common,
    description: `F1 Race Sim event bus, rules and API destinations (${stage})`,
    stage,
    consumerUrls: config.consumerUrls,
  })
  // A stream's ARN carries its creation time, so it cannot be built from a name like the other ARNs:
  // it is the one value imported from another stack. The export also makes CloudFormation refuse a
  // data-stack change that would replace a stream a pipe reads (a pipe cannot follow a new stream).
  const relay = new RelayStack(app, `f1-relay-${stage}`, {
    ...common,
    description: `F1 Race Sim outbox relay: one EventBridge pipe per outbox table's stream to the bus (${stage})`,
    stage,
    streamArns: outboxStreamArns(data),
    busName: busName(stage),
  })
  // The pipes name the bus by ARN; it must exist before they start putting events on it.
  relay.addStackDependency(events)
  const access = new AccessStack(app, `f1-access-${stage}`, {
    ...common,
    description: `F1 Race Sim per-service IAM policies (${stage})`,
    stage,
    tableNames,
  })
  for (const consumer of config.placeholderConsumers) {
    Annotations.of(events).addWarningV2(
      '@f1/infra:placeholder-url',
      `${consumer} has no URL in context: its API destination calls ${config.consumerUrls[consumer]}`,
    )
  }
  // The policies name resources by ARN only; deploying them last keeps the order readable.
  access.addStackDependency(data)
  access.addStackDependency(events)
  return { config, data, events, relay, access }
}
