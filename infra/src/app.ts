// Builds the stacks of one stage into a CDK app from its context (see README for the values).
import { Annotations, type App } from 'aws-cdk-lib'
import { AccessStack } from './access-stack.ts'
import { readConfig, type InfraConfig } from './config.ts'
import { DataStack } from './data-stack.ts'
import { EventsStack } from './events-stack.ts'
import { busName, stageTableNames } from './names.ts'

export interface F1Stacks {
  config: InfraConfig
  data: DataStack
  events: EventsStack
  access: AccessStack
}

/** Adds the data, events and access stacks of the context's stage to the app (env-agnostic). */
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
  const access = new AccessStack(app, `f1-access-${stage}`, {
    ...common,
    description: `F1 Race Sim per-service IAM policies (${stage})`,
    stage,
    tableNames,
    busName: busName(stage),
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
  return { config, data, events, access }
}
