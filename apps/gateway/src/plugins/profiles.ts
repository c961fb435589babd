// Exposes the profiles repository (legacy table) and its /ready probe.
import fp from 'fastify-plugin'
import { createProfilesRepository, type ProfilesRepository } from '../repositories/profiles.ts'

declare module 'fastify' {
  interface FastifyInstance {
    profiles: ProfilesRepository
  }
}

export default fp<{ tableName: string }>(
  async (app, options) => {
    const repository = createProfilesRepository({ doc: app.dynamo.doc, tableName: options.tableName })
    app.decorate('profiles', repository)
    app.addReadinessCheck('dynamodb', (signal) => repository.ping(signal))
  },
  { name: 'profiles', dependencies: ['dynamodb'], fastify: '5.x' },
)
