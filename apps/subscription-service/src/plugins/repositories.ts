// Exposes the subscriptions table and the legacy profiles (read-only) to the routes.
import fp from 'fastify-plugin'
import { createLegacyProfilesRepository, type LegacyProfilesRepository } from '../repositories/legacy-profiles.ts'
import { createSubscriptionsRepository, type SubscriptionsRepository } from '../repositories/subscriptions.ts'

declare module 'fastify' {
  interface FastifyInstance {
    subscriptions: SubscriptionsRepository
    legacyProfiles: LegacyProfilesRepository
  }
}

export default fp<{ subscriptionsTable: string; legacyTable: string }>(
  async (app, options) => {
    const subscriptions = createSubscriptionsRepository({ doc: app.dynamo.doc, tableName: options.subscriptionsTable })
    app.decorate('subscriptions', subscriptions)
    app.decorate('legacyProfiles', createLegacyProfilesRepository({ doc: app.dynamo.doc, tableName: options.legacyTable }))
    app.addReadinessCheck('dynamodb', (signal) => subscriptions.ping(signal))
  },
  { name: 'repositories', dependencies: ['dynamodb'], fastify: '5.x' },
)
