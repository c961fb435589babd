// Fastify plugin giving an app its DynamoDB clients (`app.dynamo`), closed with the app.
import fp from 'fastify-plugin'
import { createDynamoClients, type DynamoClients } from './client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    dynamo: DynamoClients
  }
}

export interface DynamoPluginOptions {
  region: string
  endpoint?: string | undefined
  /** The current request's deadline (service-kit's `currentDeadline`): calls are aborted when it passes. */
  deadline?: () => number | undefined
}

export default fp<DynamoPluginOptions>(
  async (app, options) => {
    const clients = createDynamoClients({
      region: options.region,
      endpoint: options.endpoint,
      ...(options.deadline ? { deadline: options.deadline } : {}),
    })
    app.decorate('dynamo', clients)
    app.addHook('onClose', async () => clients.client.destroy())
  },
  { name: 'dynamodb', fastify: '5.x' },
)
