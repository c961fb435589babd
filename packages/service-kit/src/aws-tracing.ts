// A client span for every AWS SDK call (DynamoDB, SQS, EventBridge), added through the client's own
// middleware stack: the SDK's supported extension point, where the OpenTelemetry instrumentation
// for it patches modules as they load (not possible for our ESM bundles without loader hooks).
import { context, SpanKind, trace } from '@opentelemetry/api'
import { inSpan, tracingEnabled } from './tracing.ts'

type Input = Record<string, unknown>
type Handler = (args: { input: Input }) => Promise<{ output: { $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number } } }>

/** The part of an SDK v3 client this needs (every client has it; the document client shares its client's). */
export interface TraceableClient {
  middlewareStack: {
    add(
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: 'initialize'; name: string; priority: 'high'; override: boolean },
    ): void
  }
}

const tableOf = (request: unknown): string | undefined => {
  const name = (request as { TableName?: unknown } | undefined)?.TableName
  return typeof name === 'string' ? name : undefined
}

/** The tables a DynamoDB call touches: its own, each transaction item's, each batch's. */
function tableNames(input: Input): string[] {
  const names = new Set<string>()
  const own = tableOf(input)
  if (own) names.add(own)
  for (const item of (input.TransactItems as Array<Record<string, unknown>> | undefined) ?? []) {
    for (const request of Object.values(item)) {
      const name = tableOf(request)
      if (name) names.add(name)
    }
  }
  for (const name of Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {})) names.add(name)
  return [...names]
}

/** What identifies the target of a call, by the semantic conventions' names. */
function targetAttributes(input: Input): Record<string, string | string[]> {
  const tables = tableNames(input)
  const queueUrl = typeof input.QueueUrl === 'string' ? input.QueueUrl : undefined
  return {
    ...(tables.length > 0 ? { 'aws.dynamodb.table_names': tables } : {}),
    ...(queueUrl ? { 'aws.sqs.queue_url': queueUrl, 'messaging.destination.name': queueUrl.split('/').pop() ?? queueUrl } : {}),
  }
}

/** Records each call of `client` made inside a trace (retries included: one span per call) as `<service>.<Operation>`. */
export function traceAwsCalls<C extends TraceableClient>(client: C, service: string): C {
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      // Calls outside any trace are background polls (a queue's long poll, a lease sweep): a trace
      // each would bury the work. The work they find starts its own trace (a job, an event).
      if (!tracingEnabled() || !trace.getSpan(context.active())) return next(args)
      const operation = (ctx.commandName ?? 'Unknown').replace(/Command$/, '')
      const attributes = { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation, ...targetAttributes(args.input) }
      return inSpan(`${service}.${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const result = await next(args)
        const metadata = result.output.$metadata
        if (metadata?.requestId) span.setAttribute('aws.request_id', metadata.requestId)
        if (metadata?.attempts) span.setAttribute('aws.attempts', metadata.attempts)
        return result
      })
    },
    { step: 'initialize', name: 'f1Tracing', priority: 'high', override: true },
  )
  return client
}
