// Browser-facing headers on every answer: CORS for the web console's origins only (APP_ORIGINS), and
// helmet's security headers. Registered before any route, Swagger UI's included.
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'

export default fp<{ appOrigins: readonly string[] }>(
  async (app, options) => {
    await app.register(cors, {
      // Exact origins as browsers send them; any other origin gets no Access-Control-Allow-Origin.
      origin: [...options.appOrigins],
      // Tokens travel in Authorization, never in cookies.
      credentials: false,
      // The console reads these on 429 and 503, and quotes the request id in error reports.
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    })
    await app.register(helmet, {
      contentSecurityPolicy: {
        // helmet's defaults suit Swagger UI (/docs serves its scripts and styles from 'self'); without
        // the upgrade directive, /docs also works on a plain-http dev gateway (TLS ends at the load balancer).
        directives: { upgradeInsecureRequests: null },
      },
    })
  },
  { name: 'edge-headers', fastify: '5.x' },
)
