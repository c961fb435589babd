// The server span of each request, from the Fastify team's plugin: it continues the caller's trace
// (W3C `traceparent`) and runs the hooks and the handler inside the span, so every call they make
// is its child. Only the request's own span: a span per hook would bury the calls that matter.
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { context, SpanStatusCode } from '@opentelemetry/api'
import type { FastifyInstance } from 'fastify'

// Load balancer probes every few seconds would outnumber the traces anyone looks at.
const PROBES = new Set(['/health', '/ready'])

/** Adds the request spans to `app`; call before any route is registered (the plugin wraps routes as they are added). */
export function addRequestSpans(app: FastifyInstance): void {
  app.register(requestSpansPlugin())
  // The body arrives in callbacks of the socket, outside the span's context: the handler is put back
  // in it here, after parsing, so its calls (DynamoDB, services, outbox events) join the request's trace.
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = request.opentelemetry()
    if (traced.context) context.with(traced.context, done)
    else done()
  })
  // A server error marks the span with its message; a client error (4xx) is the client's, not a fault.
  app.addHook('onError', (request, _reply, error, done) => {
    const status = (error as { statusCode?: number }).statusCode
    if (status === undefined || status >= 500) request.opentelemetry().span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
    done()
  })
}

function requestSpansPlugin() {
  const instrumentation = new FastifyOtelInstrumentation({
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: ({ url }) => PROBES.has(url.split('?')[0] ?? url),
    // Named like the request metrics: the route's pattern, never the URL.
    requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`),
  })
  return instrumentation.plugin()
}
