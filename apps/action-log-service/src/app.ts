// action-log-service: builds the app (never listens; server.ts does).
import eventConsumer, { eventDelivery } from '@f1/events/consumer'
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '@f1/service-kit'
import { currentDeadline } from '@f1/service-kit/deadline'
import { callerTokens } from '@f1/service-kit/config'
import { requireServiceToken } from '@f1/service-kit/service-auth'
import dynamodb from '@f1/tables/plugin'
import type { ActionLogConfig } from './config.ts'
import { actionFromEvent } from './lib/from-event.ts'
import actionsRepository from './plugins/actions-repository.ts'
import actionRoutes from './routes/actions/index.ts'

export interface BuildOptions {
  logger?: ServiceAppOptions['logger']
  now?: () => Date
}

export async function buildApp(config: ActionLogConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = createServiceApp({ name: 'action-log-service', config, logger: options.logger ?? true })
  await app.register(dynamodb, { region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT, deadline: currentDeadline })
  await app.register(actionsRepository, { tableName: config.USER_ACTIONS_LOG_TABLE, retentionDays: config.ACTION_RETENTION_DAYS })
  await app.register(eventConsumer, {
    ...eventDelivery(config),
    handlers: {},
    // Every event of the platform is an action of its user.
    any: async (detail, { envelope, eventId, log }) => {
      const fresh = await app.actions.recordAction(actionFromEvent(detail, envelope, eventId))
      if (!fresh) log.info('event already logged; redelivery ignored')
    },
  })
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireServiceToken(callerTokens(config, 'action-log-service')))
    await scope.register(actionRoutes, { now: options.now ?? (() => new Date()) })
  })
  return app
}
