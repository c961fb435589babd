// The app's DynamoDB clients: created once, closed with the app.
import fp from 'fastify-plugin'
import { createDynamoClients, type DynamoClients } from '@f1/tables/client'

declare module 'fastify' {
  interface FastifyInstance {
    dynamo: DynamoClients
  }
}

export interface DynamoPluginOptions {
  region: string
  endpoint?: string | undefined
}

export default fp<DynamoPluginOptions>(
  async (app, options) => {
    const clients = createDynamoClients({ region: options.region, endpoint: options.endpoint })
    app.decorate('dynamo', clients)
    app.addHook('onClose', async () => clients.client.destroy())
  },
  { name: 'dynamodb', fastify: '5.x' },
)
