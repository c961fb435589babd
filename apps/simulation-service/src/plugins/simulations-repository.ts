// Exposes the simulation results table's repository to the routes, and its probe to /ready.
import fp from 'fastify-plugin'
import { createSimulationsRepository, type SimulationsRepository, type SimulationsRepositoryOptions } from '../repositories/simulations.ts'

declare module 'fastify' {
  interface FastifyInstance {
    simulations: SimulationsRepository
  }
}

export default fp<Omit<SimulationsRepositoryOptions, 'doc'>>(
  async (app, options) => {
    const repository = createSimulationsRepository({ doc: app.dynamo.doc, ...options })
    app.decorate('simulations', repository)
    app.addReadinessCheck('dynamodb', (signal) => repository.ping(signal))
  },
  { name: 'simulations-repository', dependencies: ['dynamodb'], fastify: '5.x' },
)
